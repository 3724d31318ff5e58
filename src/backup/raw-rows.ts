import { DataSource } from 'typeorm';
import { StoredRaw } from '../storage/blob-stores';

const PAGE = 1000;

/** Every processing-log row's raw message, page by page in id order (a table of millions is never held at once). */
export async function* rawRows(dataSource: DataSource): AsyncGenerator<StoredRaw> {
  let after = 0;
  for (;;) {
    const rows: { id: number; raw_sha256: string; raw_location: string | null }[] = await dataSource.query(
      `SELECT id, raw_sha256, raw_location FROM email_processing_logs WHERE id > ? AND raw_sha256 IS NOT NULL ORDER BY id LIMIT ${PAGE}`,
      [after],
    );
    for (const row of rows) yield { sha256: row.raw_sha256, location: row.raw_location };
    if (rows.length < PAGE) return;
    after = Number(rows[rows.length - 1].id);
  }
}
