import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const LIVE_EVENT_TYPES = ['ticket.created', 'ticket.updated', 'message.created', 'delivery.updated'] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

/** A row of the live-update log, written by database triggers (migration 1765150000000). */
@Entity('events')
export class LiveEvent {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'tenant_id', type: 'integer' }) tenantId: number;
  @Column({ name: 'ticket_id', type: 'integer' }) ticketId: number;
  @Column({ type: 'varchar', length: 32 }) type: LiveEventType;
  @Column({ name: 'message_id', type: 'integer', nullable: true }) messageId: number | null;
  @Column({ name: 'created_at', type: 'datetime', precision: 3 }) createdAt: Date;
}
