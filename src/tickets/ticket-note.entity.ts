import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A note agents leave on a ticket for each other; never sent to the customer. */
@Entity('ticket_notes')
export class TicketNote {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'tenant_id', type: 'integer' }) tenantId: number;
  @Column({ name: 'ticket_id', type: 'integer' }) ticketId: number;
  @Column({ name: 'author_user_id', type: 'integer', nullable: true }) authorUserId: number | null;
  /** The author's name when written: the user may be deleted since. */
  @Column({ name: 'author_name', type: 'varchar', length: 200, nullable: true }) authorName: string | null;
  @Column({ type: 'text' }) body: string;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
}
