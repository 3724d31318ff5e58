import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { OAuthMailboxKind } from '../config/mailbox-oauth-config';

export type MailboxKind = 'imap' | OAuthMailboxKind;
export type MailboxSecurity = 'tls' | 'starttls' | 'none';
export const MAILBOX_SECURITY: readonly MailboxSecurity[] = ['tls', 'starttls', 'none'];
/**
 * `awaiting_authorization`: an OAuth2 mailbox whose admin has not finished signing in at the
 * provider yet; `connecting` until its reader first reports; `disabled` when the tenant turned it off.
 */
export type MailboxState = 'awaiting_authorization' | 'connecting' | 'connected' | 'backing_off' | 'needs_reauthorization' | 'disabled';
export const MAILBOX_STATES: readonly MailboxState[] = ['awaiting_authorization', 'connecting', 'connected', 'backing_off', 'needs_reauthorization', 'disabled'];

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
  /** When the tenant's admins were told the connection went bad; cleared when it works again. */
  @Column({ name: 'problem_notified_at', type: 'datetime', precision: 3, nullable: true }) problemNotifiedAt: Date | null;
  @Column({ name: 'oauth_refresh_token_encrypted', type: 'text', nullable: true }) oauthRefreshTokenEncrypted: string | null;
  @Column({ name: 'oauth_access_token_encrypted', type: 'text', nullable: true }) oauthAccessTokenEncrypted: string | null;
  /** When the access token is replaced: its expiry less a margin (see refreshMarginMs). */
  @Column({ name: 'oauth_access_token_expires_at', type: 'datetime', precision: 3, nullable: true }) oauthAccessTokenExpiresAt: Date | null;
  /** Moves with every refresh: a refresh is stored only over the version it started from. */
  @Column({ name: 'oauth_token_version', type: 'integer', default: 0 }) oauthTokenVersion: number;
  /** Claimed by the one process refreshing the tokens now (any instance); the others wait for its result. */
  @Column({ name: 'oauth_refreshing_until', type: 'datetime', precision: 3, nullable: true }) oauthRefreshingUntil: Date | null;
  /** Moves with every consent (connect, reconnect): a reader started under an older grant restarts. */
  @Column({ name: 'oauth_grant_version', type: 'integer', default: 0 }) oauthGrantVersion: number;
  /** The tenant's replies leave through this mailbox's provider (SMTP with XOAUTH2); one mailbox per tenant at most. */
  @Column({ name: 'sends_replies', type: 'boolean', default: false }) sendsReplies: boolean;
  /** A tenant's own app registration (single-tenant Entra app); null: the platform's. */
  @Column({ name: 'oauth_client_id', type: 'varchar', length: 255, nullable: true }) oauthClientId: string | null;
  @Column({ name: 'oauth_client_secret_encrypted', type: 'text', nullable: true }) oauthClientSecretEncrypted: string | null;
  @Column({ name: 'oauth_authorize_url', type: 'varchar', length: 1000, nullable: true }) oauthAuthorizeUrl: string | null;
  @Column({ name: 'oauth_token_url', type: 'varchar', length: 1000, nullable: true }) oauthTokenUrl: string | null;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', precision: 3 }) updatedAt: Date;
}

export const TENANT_MAILBOX_KEY_PREFIX = 'tenant-mailbox:';

/** The lease and checkpoint row of a tenant mailbox in mailbox_checkpoints. */
export function tenantMailboxKey(id: number): string {
  return `${TENANT_MAILBOX_KEY_PREFIX}${id}`;
}
