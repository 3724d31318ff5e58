import { Column, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from '../../database/column-transformers';

/** IMAP progress and the reader lease of one mailbox, shared by all instances. */
@Entity('mailbox_checkpoints')
export class MailboxCheckpoint {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 255 }) mailbox: string;
  @Column({ name: 'uid_validity', type: 'varchar', length: 20, nullable: true }) uidValidity: string | null;
  @Column({ name: 'last_uid', type: 'bigint', default: 0, transformer: bigintAsNumber }) lastUid: number;
  @Column({ name: 'lease_owner', type: 'varchar', length: 100, nullable: true }) leaseOwner: string | null;
  @Column({ name: 'lease_expires_at', type: 'datetime', precision: 3, nullable: true }) leaseExpiresAt: Date | null;
  @UpdateDateColumn({ name: 'updated_at', precision: 3 }) updatedAt: Date;
}
