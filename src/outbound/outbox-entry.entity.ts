import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { jsonText } from '../database/column-transformers';

type OutboxKind = 'reply' | 'acknowledgement' | 'test';
export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed';

@Entity('outbox')
export class OutboxEntry {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'tenant_id', type: 'integer' }) tenantId: number;
  @Column({ name: 'ticket_message_id', type: 'integer', nullable: true }) ticketMessageId: number | null;
  @Column({ type: 'varchar', length: 20 }) kind: OutboxKind;
  @Column({ type: 'varchar', length: 320 }) recipient: string;
  @Column({ type: 'varchar', length: 20, default: 'queued' }) status: OutboxStatus;
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @Column({ name: 'next_attempt_at', type: 'datetime', precision: 3 }) nextAttemptAt: Date;
  @Column({ name: 'locked_by', type: 'varchar', length: 100, nullable: true }) lockedBy: string | null;
  @Column({ name: 'locked_until', type: 'datetime', precision: 3, nullable: true }) lockedUntil: Date | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ name: 'smtp_response', type: 'text', nullable: true }) smtpResponse: string | null;
  @Column({ name: 'payload_json', type: 'text', nullable: true, transformer: jsonText }) payload: Record<string, unknown> | null;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', precision: 3 }) updatedAt: Date;
}
