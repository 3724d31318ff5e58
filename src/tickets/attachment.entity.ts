import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../database/column-transformers';

@Entity('attachments')
export class Attachment {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'tenant_id', type: 'integer' }) tenantId: number;
  @Column({ name: 'ticket_message_id', type: 'integer' }) ticketMessageId: number;
  @Column({ type: 'varchar', length: 255 }) filename: string;
  @Column({ name: 'content_type', type: 'varchar', length: 255 }) contentType: string;
  @Column({ type: 'bigint', transformer: bigintAsNumber }) size: number;
  /** Content address of the bytes in the attachment store. */
  @Column({ type: 'varchar', length: 64 }) sha256: string;
  @Column({ name: 'content_id', type: 'varchar', length: 255, nullable: true }) contentId: string | null;
  @Column({ type: 'boolean', default: false }) inline: boolean;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
}
