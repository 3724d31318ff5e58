import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from '../database/column-transformers';

type MessageDirection = 'inbound' | 'outbound';
type DeliveryStatus = 'queued' | 'sent' | 'failed';
export interface StoredAddress {
  address: string;
  name: string | null;
}

@Entity('ticket_messages')
export class TicketMessage {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'tenant_id', type: 'integer' }) tenantId: number;
  @Column({ name: 'ticket_id', type: 'integer' }) ticketId: number;
  @Column({ type: 'varchar', length: 10 }) direction: MessageDirection;
  /** The duplicate key: unique per tenant (see design.md, rule 2). */
  @Column({ name: 'message_key', type: 'varchar', length: 64 }) messageKey: string;
  @Column({ name: 'message_id', type: 'varchar', length: 255, nullable: true }) messageId: string | null;
  @Column({ name: 'in_reply_to', type: 'varchar', length: 255, nullable: true }) inReplyTo: string | null;
  @Column({ name: 'references_json', type: 'text', nullable: true, transformer: jsonText }) references: string[] | null;
  @Column({ name: 'from_address', type: 'varchar', length: 320, nullable: true }) fromAddress: string | null;
  @Column({ name: 'from_name', type: 'varchar', length: 200, nullable: true }) fromName: string | null;
  @Column({ name: 'to_json', type: 'text', nullable: true, transformer: jsonText }) to: StoredAddress[] | null;
  @Column({ name: 'cc_json', type: 'text', nullable: true, transformer: jsonText }) cc: StoredAddress[] | null;
  @Column({ type: 'varchar', length: 500 }) subject: string;
  @Column({ name: 'text_body', type: 'text', nullable: true }) textBody: string | null;
  @Column({ name: 'html_body', type: 'text', nullable: true }) htmlBody: string | null;
  @Column({ name: 'new_text', type: 'text', nullable: true }) newText: string | null;
  @Column({ name: 'is_auto_reply', type: 'boolean', default: false }) isAutoReply: boolean;
  @Column({ name: 'is_bounce', type: 'boolean', default: false }) isBounce: boolean;
  @Column({ name: 'raw_sha256', type: 'varchar', length: 64, nullable: true }) rawSha256: string | null;
  @Column({ name: 'thread_topic', type: 'varchar', length: 500, nullable: true }) threadTopic: string | null;
  @Column({ name: 'thread_index', type: 'varchar', length: 500, nullable: true }) threadIndex: string | null;
  /** SenderVerdict (src/mail/sender-authentication.ts) of an inbound message; null when none was taken. */
  @Column({ name: 'sender_auth', type: 'varchar', length: 16, nullable: true }) senderAuth?: string | null;
  @Column({ name: 'sender_auth_details', type: 'varchar', length: 255, nullable: true }) senderAuthDetails?: string | null;
  @Column({ name: 'sent_at', type: 'datetime', precision: 3, nullable: true }) sentAt: Date | null;
  @Column({ name: 'author_user_id', type: 'integer', nullable: true }) authorUserId: number | null;
  @Column({ name: 'delivery_status', type: 'varchar', length: 20, nullable: true }) deliveryStatus: DeliveryStatus | null;
  @Column({ name: 'delivery_detail', type: 'text', nullable: true }) deliveryDetail: string | null;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
}
