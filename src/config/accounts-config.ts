/** People: their sessions, the links and mail of invitations and password resets, and the audit log of what they do. */
export interface AccountsConfig {
  /** The address people open: links in invitation and password-reset mail start with it. */
  readonly publicUrl: string;
  /** A session unused this long ends. */
  readonly sessionIdleMs: number;
  /** A session ends this long after sign-in, used or not. */
  readonly sessionMaxMs: number;
  /** From of the platform's own mail (invitations, password resets). */
  readonly systemMailFrom: string;
  /** Where the platform's own mail goes; null: the development relay (MAIL_DEV_SMTP_HOST), if any. */
  readonly systemSmtp: {
    readonly host: string;
    readonly port: number;
    readonly security: 'tls' | 'starttls' | 'none';
    readonly username: string | null;
    readonly password: string | null;
  } | null;
  /** Audit entries older than this many days are removed. */
  readonly auditLogRetentionDays: number;
}

interface AccountVariables {
  PORT?: number;
  DOCKER_MAIL_DOMAIN?: string;
  PUBLIC_URL?: string;
  SESSION_IDLE_MINUTES?: number;
  SESSION_MAX_HOURS?: number;
  AUDIT_LOG_RETENTION_DAYS?: number;
  SYSTEM_MAIL_FROM?: string;
  SYSTEM_SMTP_HOST?: string;
  SYSTEM_SMTP_PORT?: number;
  SYSTEM_SMTP_SECURITY?: 'tls' | 'starttls' | 'none';
  SYSTEM_SMTP_USERNAME?: string;
  SYSTEM_SMTP_PASSWORD?: string;
}

export function accountsConfig(vars: AccountVariables): AccountsConfig {
  const port = vars.SYSTEM_SMTP_PORT ?? 587;
  return {
    publicUrl: (vars.PUBLIC_URL ?? `http://localhost:${vars.PORT ?? 3000}`).replace(/\/+$/, ''),
    sessionIdleMs: (vars.SESSION_IDLE_MINUTES ?? 480) * 60_000,
    sessionMaxMs: (vars.SESSION_MAX_HOURS ?? 168) * 3_600_000,
    systemMailFrom: vars.SYSTEM_MAIL_FROM ?? `Inbound <no-reply@${(vars.DOCKER_MAIL_DOMAIN ?? 'mail.localhost').toLowerCase()}>`,
    systemSmtp: vars.SYSTEM_SMTP_HOST
      ? {
          host: vars.SYSTEM_SMTP_HOST,
          port,
          security: vars.SYSTEM_SMTP_SECURITY ?? (port === 465 ? 'tls' : 'starttls'),
          username: vars.SYSTEM_SMTP_USERNAME ?? null,
          password: vars.SYSTEM_SMTP_PASSWORD ?? null,
        }
      : null,
    auditLogRetentionDays: vars.AUDIT_LOG_RETENTION_DAYS ?? 365,
  };
}
