import { EgressRules, egressSettingProblem, isAllowedHost } from '../egress/egress-policy';
import { MailboxSecurity, MailboxState } from './tenant-mailbox.entity';

/** IMAP 143 (plain or STARTTLS) and IMAPS 993. */
export const IMAP_PORTS: readonly number[] = [143, 993];

export interface MailboxDestination {
  host: string;
  port: number;
  security: MailboxSecurity;
  username: string;
}

/** Kinds a tenant may connect. */
export function unsupportedKindProblem(kind: string): string | null {
  if (kind === 'imap' || kind === 'microsoft365' || kind === 'google') return null;
  return `kind "${kind}" is not supported (supported: imap, microsoft365, google)`;
}

/** Why this connection cannot be saved (the answer is a 422), or null. Host names are checked again at every connect. */
export function mailboxSettingsProblem(destination: MailboxDestination, rules: EgressRules): string | null {
  const egress = egressSettingProblem({ host: destination.host, port: destination.port }, rules);
  if (egress) return `host ${destination.host}, port ${destination.port} is refused: ${egress.replace('an SMTP port', 'an IMAP port')}`;
  if (destination.security === 'none' && !isAllowedHost(destination.host, destination.port, rules.allowances)) {
    return 'security "none" would send the password without encryption: use "tls" or "starttls" (plain-text login is only for hosts the operator allows in EGRESS_ALLOWED_HOSTS)';
  }
  return null;
}

/**
 * The stored password was given for one server and user: when any of them changes it would go
 * somewhere its owner never sent it, so it is dropped unless the same request brings one.
 */
export function keepsMailboxPassword(before: MailboxDestination, after: MailboxDestination): boolean {
  return (
    before.host.toLowerCase() === after.host.toLowerCase() &&
    before.port === after.port &&
    before.security === after.security &&
    before.username === after.username
  );
}

/** What a reader failure means for the tenant: a refused login needs the admin, anything else is retried. */
export function stateAfterFailure(error: unknown): Extract<MailboxState, 'backing_off' | 'needs_reauthorization'> {
  return (error as { authenticationFailed?: boolean } | null)?.authenticationFailed ? 'needs_reauthorization' : 'backing_off';
}
