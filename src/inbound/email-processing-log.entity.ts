import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../database/column-transformers';
import { COLUMN_WIDTHS } from '../database/column-widths';

const WIDTH = COLUMN_WIDTHS.emailProcessingLogs;

export const INGEST_OUTCOMES = ['created', 'appended', 'duplicate', 'ignored', 'quarantined', 'held', 'rejected', 'failed'] as const;
export type IngestOutcome = (typeof INGEST_OUTCOMES)[number];
export const INGEST_SOURCES = ['webhook', 'imap', 'file_monitor', 'reprocess'] as const;
export type IngestSource = (typeof INGEST_SOURCES)[number];

/** One row per message and attempt: what came in, what was done with it and why. */
@Entity('email_processing_logs')
export class EmailProcessingLog {
  @PrimaryGeneratedColumn() id: number;
  /** Null when no tenant could be found for the recipients. */
  @Column({ name: 'tenant_id', type: 'integer', nullable: true }) tenantId: number | null;
  @Column({ type: 'varchar', length: 20 }) source: IngestSource;
  @Column({ name: 'source_ref', type: 'varchar', length: WIDTH.sourceRef, nullable: true }) sourceRef: string | null;
  @Column({ type: 'varchar', length: 20 }) outcome: IngestOutcome;
  @Column({ type: 'varchar', length: WIDTH.reason, nullable: true }) reason: string | null;
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ name: 'message_id', type: 'varchar', length: WIDTH.messageId, nullable: true }) messageId: string | null;
  @Column({ name: 'from_address', type: 'varchar', length: WIDTH.fromAddress, nullable: true }) fromAddress: string | null;
  @Column({ name: 'to_addresses', type: 'text', nullable: true }) toAddresses: string | null;
  @Column({ type: 'varchar', length: WIDTH.subject, nullable: true }) subject: string | null;
  @Column({ name: 'ticket_id', type: 'integer', nullable: true }) ticketId: number | null;
  @Column({ name: 'ticket_message_id', type: 'integer', nullable: true }) ticketMessageId: number | null;
  @Column({ name: 'raw_sha256', type: 'varchar', length: 64, nullable: true }) rawSha256: string | null;
  /** Where the raw message is in the raw message store (see RawMessageStore). */
  @Column({ name: 'raw_location', type: 'varchar', length: 300, nullable: true }) rawLocation: string | null;
  @Column({ name: 'size_bytes', type: 'bigint', default: 0, transformer: bigintAsNumber }) sizeBytes: number;
  @Column({ name: 'duration_ms', type: 'integer', default: 0 }) durationMs: number;
  /** Set when a failed or quarantined message was reprocessed or released. */
  @Column({ name: 'resolved_at', type: 'datetime', precision: 3, nullable: true }) resolvedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
}
