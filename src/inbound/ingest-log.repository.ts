import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { IngestOutcome, IngestSource } from './email-processing-log.entity';
import { insertedId, insertRows, marks } from '../database/batch-sql';

export interface NewLogRow {
  tenantId: number | null;
  source: IngestSource;
  sourceRef: string | null;
  outcome: IngestOutcome;
  reason: string | null;
  error: string | null;
  messageId: string | null;
  fromAddress: string | null;
  toAddresses: string | null;
  subject: string | null;
  ticketId: number | null;
  ticketMessageId: number | null;
  rawSha256: string | null;
  rawLocation: string | null;
  sizeBytes: number;
  durationMs: number;
}

const LOG_COLUMNS = [
  'tenant_id', 'source', 'source_ref', 'outcome', 'reason', 'error', 'message_id', 'from_address', 'to_addresses', 'subject',
  'ticket_id', 'ticket_message_id', 'raw_sha256', 'raw_location', 'size_bytes', 'duration_ms',
] as const;

function logValues(row: NewLogRow): unknown[] {
  return [
    row.tenantId, row.source, row.sourceRef, row.outcome, row.reason, row.error, row.messageId, row.fromAddress, row.toAddresses, row.subject,
    row.ticketId, row.ticketMessageId, row.rawSha256, row.rawLocation, row.sizeBytes, row.durationMs,
  ];
}

/** The processing-log rows of messages that were not filed (each its own statement, outside any transaction). */
@Injectable()
export class IngestLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertLog(row: NewLogRow): Promise<number> {
    return insertedId(
      await this.dataSource.query(`INSERT INTO email_processing_logs (${LOG_COLUMNS.join(', ')}) VALUES (${marks(LOG_COLUMNS.length)})`, logValues(row)),
    );
  }

  /** A reprocessed message that ended as it did before: its row says so again, rather than a second row. */
  async rewriteLog(logId: number, row: NewLogRow): Promise<number> {
    await this.dataSource.query(
      'UPDATE email_processing_logs SET reason = ?, error = ?, message_id = ?, from_address = ?, to_addresses = ?, subject = ?, duration_ms = ? WHERE id = ?',
      [row.reason, row.error, row.messageId, row.fromAddress, row.toAddresses, row.subject, row.durationMs, logId],
    );
    return logId;
  }
}

/**
 * Log rows of filed messages, inside their group commit, found again by their raw message
 * (indexed) and their own ticket message.
 */
export async function insertFiledLogs(manager: EntityManager, logs: NewLogRow[]): Promise<number[]> {
  await insertRows(manager, 'email_processing_logs', LOG_COLUMNS, logs.map(logValues));
  const hashes = [...new Set(logs.map((l) => l.rawSha256))];
  const rows: { id: number; ticket_message_id: number }[] = await manager.query(
    `SELECT id, ticket_message_id FROM email_processing_logs WHERE raw_sha256 IN (${marks(hashes.length)}) AND ticket_message_id IN (${marks(logs.length)})`,
    [...hashes, ...logs.map((l) => l.ticketMessageId)],
  );
  const ids = new Map(rows.map((r) => [Number(r.ticket_message_id), Number(r.id)]));
  return logs.map((l) => ids.get(l.ticketMessageId!)!);
}
