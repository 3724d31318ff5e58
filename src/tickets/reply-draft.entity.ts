import { Column, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('reply_drafts')
export class ReplyDraft {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'tenant_id', type: 'integer' }) tenantId: number;
  @Column({ name: 'ticket_id', type: 'integer' }) ticketId: number;
  @Column({ name: 'user_id', type: 'integer' }) userId: number;
  @Column({ name: 'body_text', type: 'text' }) bodyText: string;
  @Column({ type: 'varchar', length: 2000, nullable: true }) cc: string | null;
  @UpdateDateColumn({ name: 'updated_at', precision: 3 }) updatedAt: Date;
}
