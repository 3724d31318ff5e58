import { OAuthMailboxKind } from '../config/mailbox-oauth-config';
import { EgressRules, egressSettingProblem, HTTPS_PORTS, isAllowedHost, urlEgressTarget } from '../egress/egress-policy';

/** What a provider needs asked (its IMAP server is in the config: OAUTH_*_IMAP_URL). */
export interface OAuthProvider {
  label: string;
  /** `openid email` for the ID token that names the mailbox; the rest to read (and send) mail over IMAP and SMTP. */
  scopes: string;
  /** Google issues a refresh token only for `access_type=offline`, and again on a reconnect only with `prompt=consent`. */
  authorizeParameters: Record<string, string>;
}

export const OAUTH_PROVIDERS: Readonly<Record<OAuthMailboxKind, OAuthProvider>> = {
  microsoft365: {
    label: 'Microsoft 365',
    scopes: 'openid email offline_access https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send',
    authorizeParameters: {},
  },
  google: {
    label: 'Google',
    scopes: 'openid email https://mail.google.com/',
    authorizeParameters: { access_type: 'offline', prompt: 'consent' },
  },
};

export function isOAuthKind(kind: string): kind is OAuthMailboxKind {
  return kind === 'microsoft365' || kind === 'google';
}

/**
 * Why a tenant's own authorize or token endpoint cannot be saved, or null. The token endpoint is
 * called by the server, so it obeys the egress rules like an SMTP host: https on 443, or http only
 * to a host in EGRESS_ALLOWED_HOSTS.
 */
export function endpointProblem(field: string, value: string, rules: Pick<EgressRules, 'allowances'>): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${field}: must be an https URL`;
  }
  const { host, port } = urlEgressTarget(url);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isAllowedHost(host, port, rules.allowances))) return `${field}: must be an https URL`;
  if (url.username || url.password) return `${field}: must not carry credentials`;
  const refusal = egressSettingProblem({ host, port }, { allowances: rules.allowances, ports: HTTPS_PORTS });
  return refusal ? `${field}: ${refusal.replace('an SMTP port', 'the https port')}` : null;
}

/**
 * The mailbox address in the ID token the token endpoint answered with. Its signature is not
 * checked: it came straight from the token endpoint over TLS (OpenID Connect Core 3.1.3.7), and
 * Entra ID's issuer differs for every organisation signing in through the "common" endpoint.
 */
export function mailboxAddressOf(idToken: unknown): string | null {
  if (typeof idToken !== 'string') return null;
  const payload = idToken.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const address = [claims.email, claims.preferred_username, claims.upn].find((v): v is string => typeof v === 'string' && /^[^\s@]+@[^\s@]+$/.test(v));
    return address ? address.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** The token endpoint's error code of a failed grant, when it gave one. */
export function oauthErrorCode(error: unknown): string | null {
  const e = error as { error?: unknown; cause?: { error?: unknown } } | null;
  const code = e?.error ?? e?.cause?.error;
  return typeof code === 'string' ? code : null;
}

/**
 * `invalid_grant`: the refresh token was revoked, expired or already used (consent withdrawn,
 * password changed, 90 days unused): only the tenant admin signing in again helps.
 */
export function grantIsRevoked(error: unknown): boolean {
  return oauthErrorCode(error) === 'invalid_grant';
}

/** How long before its expiry an access token is replaced: five minutes, or half its life when it lives shorter. */
export function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(5 * 60_000, Math.max(1000, lifetimeMs / 2));
}
