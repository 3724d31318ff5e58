import { EgressRules, egressSettingProblem, isAllowedHost } from '../egress/egress-policy';
import { SmtpSecurity } from './email-settings.entity';

/** What decides where the stored SMTP password goes. */
export interface SmtpDestination {
  host: string | null;
  port: number | null;
  security: SmtpSecurity;
  username: string | null;
}

/** The port used when none is set: 465 for implicit TLS, 587 (submission) otherwise. */
export function effectiveSmtpPort(port: number | null, security: SmtpSecurity): number {
  return port ?? (security === 'tls' ? 465 : 587);
}

/**
 * The stored password was given for one server, user and kind of connection. When any of them
 * changes, it would go somewhere its owner never sent it (a tenant admin's stolen token could
 * point the host at an attacker's server and run the SMTP test), so it is dropped unless the
 * same request brings a password. Saving the same values again changes nothing.
 */
export function keepsStoredPassword(before: SmtpDestination, after: SmtpDestination): boolean {
  return (
    (before.host ?? '').toLowerCase() === (after.host ?? '').toLowerCase() &&
    effectiveSmtpPort(before.port, before.security) === effectiveSmtpPort(after.port, after.security) &&
    before.security === after.security &&
    before.username === after.username
  );
}

/** AUTH on a connection without TLS ("none" with a user name) shows the password to the network. */
export function authenticatesInClear(destination: Pick<SmtpDestination, 'security' | 'username'>): boolean {
  return destination.security === 'none' && Boolean(destination.username);
}

/** Why these settings cannot be saved (the answer is a 422), or null. Host names are checked again when connecting. */
export function smtpSettingsProblem(destination: SmtpDestination, rules: EgressRules): string | null {
  if (!destination.host) return null;
  const port = effectiveSmtpPort(destination.port, destination.security);
  const egress = egressSettingProblem({ host: destination.host, port }, rules);
  if (egress) return `smtp_host ${destination.host}, port ${port} is refused: ${egress}`;
  if (authenticatesInClear(destination) && !isAllowedHost(destination.host, port, rules.allowances)) {
    return 'smtp_security "none" with a user name would send the password without encryption: use "starttls" or "tls" (plain-text AUTH is only for hosts the operator allows in EGRESS_ALLOWED_HOSTS)';
  }
  return null;
}
