import { COLUMN_WIDTHS } from '../../src/database/column-widths';
import { mysqlAvailable } from '../support/database';
import { MigratedDatabase, openMigratedDatabase } from '../support/medium-database';

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** MariaDB enforces VARCHAR widths (SQLite does not): the migrated schema must agree with COLUMN_WIDTHS. */
(mysqlAvailable() ? describe : describe.skip)('column widths', () => {
  let db: MigratedDatabase;
  beforeAll(async () => {
    db = await openMigratedDatabase('mysql');
  });
  afterAll(() => db?.close());

  const columns = Object.entries(COLUMN_WIDTHS).flatMap(([table, widths]) => Object.entries(widths).map(([column, width]) => [snake(table), snake(column), width] as const));
  it.each(columns)('%s.%s is VARCHAR(%d)', async (table, column, width) => {
    const [row] = await db.dataSource.query(
      'SELECT CHARACTER_MAXIMUM_LENGTH AS width FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?',
      [table, column],
    );
    expect(Number(row?.width)).toBe(width);
  });
});
