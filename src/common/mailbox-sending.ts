import type { TenantId } from './tenant-id';

/** Where a tenant's replies leave when it chose to send through its Microsoft 365 or Google mailbox. */
export interface MailboxSendingRoute {
  host: string;
  port: number;
  security: 'tls' | 'starttls' | 'none';
  /** The mailbox's address: the SMTP user, and the From the provider accepts. */
  address: string;
  /** Asked when connecting; throws when the mailbox cannot give one (its grant revoked). */
  accessToken: () => Promise<string>;
}

/**
 * Provided by the tenant mailboxes (XOAUTH2 access tokens) to the outbound mail, which must not
 * import them: they import the outbound module's system mail.
 */
export abstract class MailboxSendingRoutes {
  /** null: the tenant sends through its SMTP settings. */
  abstract forTenant(tenantId: TenantId): Promise<MailboxSendingRoute | null>;
}
