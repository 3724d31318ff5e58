import { IsOptional, IsString, Matches, MinLength } from 'class-validator';

export type OAuthMailboxKind = 'microsoft365' | 'google';
export const OAUTH_MAILBOX_KINDS: readonly OAuthMailboxKind[] = ['microsoft365', 'google'];

/** The platform's app registration at one provider: tenants connect their mailboxes through it. */
export interface OAuthClientConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
}

/** An IMAP or SMTP server of a provider. */
export interface OAuthMailServer {
  readonly host: string;
  readonly port: number;
  readonly security: 'tls' | 'starttls' | 'none';
}

export interface MailboxOAuthConfig {
  /** Per provider; null where the operator registered no app (tenants may still bring their own). */
  readonly apps: Readonly<Record<OAuthMailboxKind, OAuthClientConfig | null>>;
  /** Where the provider's mailboxes are read (another for a national cloud, e.g. Microsoft 365 operated by 21Vianet). */
  readonly imap: Readonly<Record<OAuthMailboxKind, OAuthMailServer>>;
  /** Where replies leave when a tenant sends through its mailbox. */
  readonly smtp: Readonly<Record<OAuthMailboxKind, OAuthMailServer>>;
}

/** The providers' own endpoints: Entra ID's "common" endpoints accept work and school accounts of any tenant. */
export const PROVIDER_ENDPOINTS: Readonly<Record<OAuthMailboxKind, { authorizeUrl: string; tokenUrl: string }>> = {
  microsoft365: {
    authorizeUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
  },
  google: { authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth', tokenUrl: 'https://oauth2.googleapis.com/token' },
};

const PROVIDER_IMAP: Readonly<Record<OAuthMailboxKind, OAuthMailServer>> = {
  microsoft365: { host: 'outlook.office365.com', port: 993, security: 'tls' },
  google: { host: 'imap.gmail.com', port: 993, security: 'tls' },
};

const PROVIDER_SMTP: Readonly<Record<OAuthMailboxKind, OAuthMailServer>> = {
  microsoft365: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
  google: { host: 'smtp.gmail.com', port: 465, security: 'tls' },
};

const URL_RULE = /^https?:\/\/[^\s/?#]+(\/[^\s#]*)?$/;
/** imaps://host[:993], imap+starttls://host[:143], or imap://host[:143] (plain text: hosts in EGRESS_ALLOWED_HOSTS only). */
const IMAP_URL_RULE = /^(imaps|imap\+starttls|imap):\/\/([A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/;
const IMAP_URL_MESSAGE = { message: '$property must be imaps://host[:port], imap+starttls://host[:port] or imap://host[:port]' };
/** smtps://host[:465], smtp+starttls://host[:587], or smtp://host[:25] (plain text: hosts in EGRESS_ALLOWED_HOSTS only). */
const SMTP_URL_RULE = /^(smtps|smtp\+starttls|smtp):\/\/([A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/;
const SMTP_URL_MESSAGE = { message: '$property must be smtps://host[:port], smtp+starttls://host[:port] or smtp://host[:port]' };
const URL_MESSAGE = { message: '$property must be an http(s) URL' };

/** The variables of the OAuth2 apps (FeatureVariables extends this class). */
export class MailboxOAuthVariables {
  @IsOptional() @IsString() @MinLength(1) OAUTH_MICROSOFT_CLIENT_ID?: string;
  @IsOptional() @IsString() @MinLength(1) OAUTH_MICROSOFT_CLIENT_SECRET?: string;
  @IsOptional() @Matches(URL_RULE, URL_MESSAGE) OAUTH_MICROSOFT_AUTHORIZE_URL?: string;
  @IsOptional() @Matches(URL_RULE, URL_MESSAGE) OAUTH_MICROSOFT_TOKEN_URL?: string;
  @IsOptional() @IsString() @MinLength(1) OAUTH_GOOGLE_CLIENT_ID?: string;
  @IsOptional() @IsString() @MinLength(1) OAUTH_GOOGLE_CLIENT_SECRET?: string;
  @IsOptional() @Matches(URL_RULE, URL_MESSAGE) OAUTH_GOOGLE_AUTHORIZE_URL?: string;
  @IsOptional() @Matches(URL_RULE, URL_MESSAGE) OAUTH_GOOGLE_TOKEN_URL?: string;
  @IsOptional() @Matches(IMAP_URL_RULE, IMAP_URL_MESSAGE) OAUTH_MICROSOFT_IMAP_URL?: string;
  @IsOptional() @Matches(IMAP_URL_RULE, IMAP_URL_MESSAGE) OAUTH_GOOGLE_IMAP_URL?: string;
  @IsOptional() @Matches(SMTP_URL_RULE, SMTP_URL_MESSAGE) OAUTH_MICROSOFT_SMTP_URL?: string;
  @IsOptional() @Matches(SMTP_URL_RULE, SMTP_URL_MESSAGE) OAUTH_GOOGLE_SMTP_URL?: string;
}

/** What a mail server URL's scheme means: its security, and the port when the URL names none. */
const MAIL_URL_SCHEMES: Readonly<Record<string, Pick<OAuthMailServer, 'security' | 'port'>>> = {
  imaps: { security: 'tls', port: 993 },
  'imap+starttls': { security: 'starttls', port: 143 },
  imap: { security: 'none', port: 143 },
  smtps: { security: 'tls', port: 465 },
  'smtp+starttls': { security: 'starttls', port: 587 },
  smtp: { security: 'none', port: 25 },
};

/** An OAUTH_*_IMAP_URL or OAUTH_*_SMTP_URL (already checked by its rule above), or the provider's own server. */
function mailServer(url: string | undefined, fallback: OAuthMailServer): OAuthMailServer {
  const match = url ? /^([a-z+]+):\/\/([A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/.exec(url) : null;
  const scheme = match ? MAIL_URL_SCHEMES[match[1]] : undefined;
  if (!match || !scheme) return fallback;
  return { host: match[2], port: match[3] ? Number(match[3]) : scheme.port, security: scheme.security };
}

const PREFIX: Record<OAuthMailboxKind, string> = { microsoft365: 'OAUTH_MICROSOFT', google: 'OAUTH_GOOGLE' };

type Vars = Record<string, unknown>;

export function mailboxOAuthProblems(vars: MailboxOAuthVariables): string[] {
  const problems: string[] = [];
  for (const kind of OAUTH_MAILBOX_KINDS) {
    const id = (vars as Vars)[`${PREFIX[kind]}_CLIENT_ID`];
    const secret = (vars as Vars)[`${PREFIX[kind]}_CLIENT_SECRET`];
    if (Boolean(id) !== Boolean(secret)) problems.push(`${PREFIX[kind]}_CLIENT_ID and ${PREFIX[kind]}_CLIENT_SECRET go together: set both, or neither`);
  }
  return problems;
}

export function mailboxOAuthConfig(vars: MailboxOAuthVariables): MailboxOAuthConfig {
  const client = (kind: OAuthMailboxKind): OAuthClientConfig | null => {
    const read = (name: string) => (vars as Vars)[`${PREFIX[kind]}_${name}`] as string | undefined;
    const clientId = read('CLIENT_ID');
    const clientSecret = read('CLIENT_SECRET');
    if (!clientId || !clientSecret) return null;
    return {
      clientId,
      clientSecret,
      authorizeUrl: read('AUTHORIZE_URL') ?? PROVIDER_ENDPOINTS[kind].authorizeUrl,
      tokenUrl: read('TOKEN_URL') ?? PROVIDER_ENDPOINTS[kind].tokenUrl,
    };
  };
  return Object.freeze({
    apps: Object.freeze({ microsoft365: client('microsoft365'), google: client('google') }),
    imap: Object.freeze({
      microsoft365: mailServer(vars.OAUTH_MICROSOFT_IMAP_URL, PROVIDER_IMAP.microsoft365),
      google: mailServer(vars.OAUTH_GOOGLE_IMAP_URL, PROVIDER_IMAP.google),
    }),
    smtp: Object.freeze({
      microsoft365: mailServer(vars.OAUTH_MICROSOFT_SMTP_URL, PROVIDER_SMTP.microsoft365),
      google: mailServer(vars.OAUTH_GOOGLE_SMTP_URL, PROVIDER_SMTP.google),
    }),
  });
}
