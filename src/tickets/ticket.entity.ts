import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type TicketStatus = 'open' | 'pending' | 'closed';
export const TICKET_STATUSES: readonly TicketStatus[] = ['open', 'pending', 'closed'];

@Entity('tickets')
export class Ticket {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'tenant_id', type: 'integer' }) tenantId: number;
  /** Sequential per tenant; what customers see as [#number]. */
  @Column({ type: 'integer' }) number: number;
  @Column({ type: 'varchar', length: 500 }) subject: string;
  @Column({ type: 'varchar', length: 20, default: 'open' }) status: TicketStatus;
  @Column({ name: 'requester_email', type: 'varchar', length: 320, nullable: true }) requesterEmail: string | null;
  @Column({ name: 'requester_name', type: 'varchar', length: 200, nullable: true }) requesterName: string | null;
  @Column({ name: 'message_count', type: 'integer', default: 0 }) messageCount: number;
  @Column({ name: 'has_unread', type: 'boolean', default: true }) hasUnread: boolean;
  /** The agent who owns the ticket; null: unassigned. */
  @Column({ name: 'assignee_user_id', type: 'integer', nullable: true }) assigneeUserId: number | null;
  @Column({ name: 'last_activity_at', type: 'datetime', precision: 3 }) lastActivityAt: Date;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', precision: 3 }) updatedAt: Date;
}
