import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type MailboxKind = 'imap';
export type MailboxSecurity = 'tls' | 'starttls' | 'none';
export const MAILBOX_SECURITY: readonly MailboxSecurity[] = ['tls', 'starttls', 'none'];
/** `connecting` until its reader first reports; `disabled` when the tenant turned it off. */
export type MailboxState = 'connecting' | 'connected' | 'backing_off' | 'needs_reauthorization' | 'disabled';

/** A mailbox a tenant connected itself; what it receives belongs to that tenant. */
@Entity('tenant_mailboxes')
export class TenantMailbox {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'tenant_id', type: 'integer' }) tenantId: number;
  @Column({ type: 'varchar', length: 20 }) kind: MailboxKind;
  @Column({ type: 'varchar', length: 253 }) host: string;
  @Column({ type: 'integer' }) port: number;
  @Column({ type: 'varchar', length: 10 }) security: MailboxSecurity;
  @Column({ type: 'varchar', length: 320 }) username: string;
  @Column({ name: 'password_encrypted', type: 'text', nullable: true }) passwordEncrypted: string | null;
  @Column({ type: 'varchar', length: 200 }) folder: string;
  @Column({ type: 'boolean', default: true }) enabled: boolean;
  @Column({ type: 'varchar', length: 30, default: 'connecting' }) state: MailboxState;
  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true }) lastError: string | null;
  @Column({ name: 'last_success_at', type: 'datetime', precision: 3, nullable: true }) lastSuccessAt: Date | null;
  @Column({ type: 'integer', nullable: true }) backlog: number | null;
  @Column({ name: 'state_changed_at', type: 'datetime', precision: 3, nullable: true }) stateChangedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', precision: 3 }) updatedAt: Date;
}

export const TENANT_MAILBOX_KEY_PREFIX = 'tenant-mailbox:';

/** The lease and checkpoint row of a tenant mailbox in mailbox_checkpoints. */
export function tenantMailboxKey(id: number): string {
  return `${TENANT_MAILBOX_KEY_PREFIX}${id}`;
}
