import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { AccountsConfig, accountsConfig } from './accounts-config';
import { ConfigError } from './config-error';
import { FeatureVariables } from './feature-variables';
import { toBoolean, toInteger } from './variable-transforms';
import { generatedSecret } from './generated-secrets';
import { storageConfig, StorageConfig, storageProblems } from './storage-config';
import { RateLimitConfig } from './rate-limit-config';
import { MailboxOAuthConfig, mailboxOAuthConfig, mailboxOAuthProblems } from './mailbox-oauth-config';
import { parseEgressAllowedHosts, parseProcessingMethods, parseTrustProxy, PROCESSING_METHODS, ProcessingMethod } from './list-variables';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsIP,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';

export { PROCESSING_METHODS };
export type { ProcessingMethod, StorageConfig };
export type DbType = 'sqlite' | 'mysql';
export type ImapSecurity = 'tls' | 'starttls' | 'none';

/**
 * The environment as strings, validated. Property names are the variable names so
 * that every validation message names the variable the operator has to fix.
 */
class EnvironmentVariables extends FeatureVariables {
  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  @IsOptional() @IsString() @MinLength(1)
  DATA_DIR?: string;

  @IsOptional() @IsString() @MinLength(32, { message: 'ADMIN_API_TOKEN must be at least 32 characters (e.g. "openssl rand -base64 32")' })
  ADMIN_API_TOKEN?: string;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1024) @Max(1024 * 1024 * 1024)
  INBOUND_MAX_BYTES?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) @Max(1_000_000)
  INBOUND_NEW_TICKETS_PER_SENDER_PER_HOUR?: number;

  @IsOptional() @IsIn(['sqlite', 'mysql'])
  DB_TYPE?: DbType;

  @IsOptional() @IsString() DB_HOST?: string;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(65535) DB_PORT?: number;
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_$-]+$/, { message: 'DB_DATABASE may hold letters, digits, _ $ and - only' })
  DB_DATABASE?: string;
  @IsOptional() @IsString() DB_USERNAME?: string;
  @IsOptional() @IsString() DB_PASSWORD?: string;

  @IsOptional() @IsString() @MinLength(32, { message: 'APP_KEY must be at least 32 characters (e.g. "openssl rand -base64 32")' })
  APP_KEY?: string;

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  DOCKER_MAIL_ENABLED?: boolean;

  @IsOptional() @Matches(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/i, {
    message: 'DOCKER_MAIL_DOMAIN must be a domain name such as mail.example.com',
  })
  DOCKER_MAIL_DOMAIN?: string;

  @IsOptional() @Matches(/^[a-z0-9]([a-z0-9.-]{0,252})$/i, { message: 'AUTHSERV_ID must be a host name such as mail.example.com' })
  AUTHSERV_ID?: string;

  @IsOptional() @Matches(/^\s*([a-z0-9][a-z0-9.-]*\s*(,\s*|$))*$/i, { message: 'ARC_TRUSTED_SEALERS must be a comma-separated list of domain names' })
  ARC_TRUSTED_SEALERS?: string;

  @IsOptional() @IsString() @MinLength(16, { message: 'DOCKER_MAIL_WEBHOOK_SECRET must be at least 16 characters' })
  DOCKER_MAIL_WEBHOOK_SECRET?: string;

  @IsOptional() @Matches(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/i, {
    message: 'DOCKER_MAIL_HOSTNAME must be a host name such as mx.example.com',
  })
  DOCKER_MAIL_HOSTNAME?: string;

  @IsOptional() @IsIP(4, { message: 'DOCKER_MAIL_SERVER_IPV4 must be an IPv4 address' })
  DOCKER_MAIL_SERVER_IPV4?: string;

  @IsOptional() @IsString() DOCKER_MAIL_IMAP_HOST?: string;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(65535) DOCKER_MAIL_IMAP_PORT?: number;
  @IsOptional() @IsString() DOCKER_MAIL_IMAP_USERNAME?: string;
  @IsOptional() @IsString() DOCKER_MAIL_IMAP_PASSWORD?: string;
  @IsOptional() @IsIn(['tls', 'starttls', 'none']) DOCKER_MAIL_IMAP_SECURITY?: ImapSecurity;
  @IsOptional() @Transform(toBoolean) @IsBoolean() DOCKER_MAIL_IMAP_TLS_VERIFY?: boolean;
  @IsOptional() @IsString() @MinLength(1) DOCKER_MAIL_IMAP_MAILBOX?: string;
  @IsOptional() @IsString() @MinLength(1) DOCKER_MAIL_IMAP_PROCESSED_FOLDER?: string;
  @IsOptional() @IsString() @MinLength(1) DOCKER_MAIL_IMAP_FAILED_FOLDER?: string;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(2) @Max(300) IMAP_LEASE_SECONDS?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) @Max(10_000) TENANT_MAILBOX_MAX_CONNECTIONS?: number;

  @IsOptional() @IsString()
  EMAIL_PROCESSING_METHOD?: string;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(86400)
  EMAIL_PROCESSING_INTERVAL?: number;

  @IsOptional() @IsString() MAILDIR_PATH?: string;

  @IsOptional() @IsString() MAIL_DEV_SMTP_HOST?: string;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(65535) MAIL_DEV_SMTP_PORT?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(50) @Max(3_600_000) OUTBOX_POLL_INTERVAL_MS?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(10) @Max(86_400_000) OUTBOX_RETRY_BASE_MS?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(100) OUTBOX_MAX_ATTEMPTS?: number;
  @IsOptional() @Transform(toBoolean) @IsBoolean() OUTBOUND_SMTP_TLS_VERIFY?: boolean;


  @IsOptional() @IsString() @MaxLength(100) @Matches(/^[A-Za-z0-9._:-]+$/, { message: 'INSTANCE_ID may hold letters, digits and . _ : - only' })
  INSTANCE_ID?: string;

  @IsOptional() @IsString() EGRESS_ALLOWED_HOSTS?: string;
  @IsOptional() @IsString() TRUST_PROXY?: string;

  @IsOptional() @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL?: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
}

export { ConfigError };

export interface DatabaseConfig {
  readonly type: DbType;
  readonly sqlitePath: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly username: string;
  readonly password: string;
}

export interface OutboundConfig {
  /** How often the outbox worker looks for due mail (it is also woken right after a reply is queued). */
  readonly pollIntervalMs: number;
  /** First retry delay after a temporary SMTP failure; doubles per attempt, capped at an hour. */
  readonly retryBaseMs: number;
  /** Attempts before a temporarily failing message is given up as failed. */
  readonly maxAttempts: number;
  /** Verify the certificate of tenants' SMTP servers (off only for test servers with self-signed ones). */
  readonly verifyTls: boolean;
}

/** A host (name or IP literal) the operator allows tenants' connections to reach although it is private; port null = any port. */
export interface EgressAllowance {
  readonly host: string;
  readonly port: number | null;
}

export interface ImapConfig {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly security: ImapSecurity;
  readonly verifyTls: boolean;
  readonly mailbox: string;
  readonly processedFolder: string;
  readonly failedFolder: string;
  /** How long a reader's lease on the mailbox lasts without renewal: another instance takes over after it. */
  readonly leaseSeconds: number;
}

export type { RateLimitConfig } from './rate-limit-config';

/** The typed, validated configuration. Built once at boot; nothing else reads process.env. */
export class AppConfig {
  readonly port: number;
  readonly dataDir: string;
  readonly adminApiToken: string;
  readonly inboundMaxBytes: number;
  /** New tickets one sender may open per tenant and hour before its mail is held; null: no throttle (0). */
  readonly newTicketsPerSenderPerHour: number | null;
  readonly database: DatabaseConfig;
  readonly appKey: string;
  readonly dockerMailEnabled: boolean;
  readonly mailDomain: string;
  /** Our MTA's authserv-id: only an Authentication-Results header with it is trusted. */
  readonly authservId: string;
  /** Forwarders whose ARC seal we believe (their recorded DMARC pass stands in for ours). */
  readonly arcTrustedSealers: readonly string[];
  readonly webhookSecret: string;
  /** The Mailu server's public host name and address: what tenants' MX and A records point at. */
  readonly mailServer: { readonly hostname: string; readonly ipv4: string | null };
  readonly imap: ImapConfig | null;
  /** Tenants' own mailboxes: connections this instance reads at most (0: none), and their lease (IMAP_LEASE_SECONDS). */
  readonly tenantMailboxes: { readonly maxConnections: number; readonly leaseSeconds: number };
  /** The platform's OAuth2 apps for tenants' Microsoft 365 and Google mailboxes (OAUTH_*). */
  readonly mailboxOAuth: MailboxOAuthConfig;
  readonly processingMethods: readonly ProcessingMethod[];
  readonly pollIntervalSeconds: number;
  readonly maildirPath: string | null;
  readonly devSmtp: { readonly host: string; readonly port: number } | null;
  readonly outbound: OutboundConfig;
  /** Live updates: how often each instance reads new rows of the events table, and how long rows stay. */
  readonly events: { readonly pollMs: number; readonly retentionHours: number };
  readonly instanceId: string;
  /** Private hosts tenants' SMTP (and later IMAP) settings may reach on purpose (EGRESS_ALLOWED_HOSTS). */
  readonly egressAllowedHosts: readonly EgressAllowance[];
  readonly rateLimits: RateLimitConfig;
  readonly accounts: AccountsConfig;
  /**
   * Which peers' X-Forwarded-For is believed (express's "trust proxy"): the client address that
   * rate limits count by. Default loopback, a reverse proxy on the same host.
   */
  readonly trustProxy: readonly string[];
  /** Webhook request bodies read at once; more answer 503 + Retry-After. */
  readonly webhookMaxInFlight: number;
  /** Below this much free space in DATA_DIR, /health reports storage as not writable enough. */
  readonly storageMinFreeBytes: number;
  readonly storage: StorageConfig;
  /** Blobs written within this long before a sweep's mark are kept even when no row names them (mail in flight). */
  readonly retention: { readonly sweepGraceMs: number };
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** Secrets that were generated because the environment did not give them (embedded mode only). */
  readonly generatedSecrets: readonly string[];
  /** Those of generatedSecrets made in this start (the others were read back from secrets.json). */
  readonly createdSecrets: readonly string[];

  constructor(values: Omit<AppConfig, never>) {
    Object.assign(this, values);
    Object.freeze(this);
  }

  static fromEnvironment(env: Record<string, string | undefined>): AppConfig {
    const raw = Object.fromEntries(
      Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
    );
    const vars = plainToInstance(EnvironmentVariables, raw);
    const errors = validateSync(vars, { forbidUnknownValues: false });
    if (errors.length > 0) throw new ConfigError(describeErrors(errors));

    const methods = parseProcessingMethods(vars.EMAIL_PROCESSING_METHOD ?? 'webhook');
    const dbType: DbType = vars.DB_TYPE ?? 'sqlite';
    const dataDir = resolve(vars.DATA_DIR ?? './storage');
    const problems: string[] = [];

    if (dbType === 'mysql') {
      for (const name of ['DB_HOST', 'DB_DATABASE', 'DB_USERNAME'] as const) {
        if (!vars[name]) problems.push(`${name} is required when DB_TYPE=mysql`);
      }
      // Several instances share one MySQL: generated per-instance secrets would disagree.
      for (const name of ['APP_KEY', 'ADMIN_API_TOKEN'] as const) {
        if (!vars[name]) problems.push(`${name} is required when DB_TYPE=mysql (every instance must share it)`);
      }
      if (methods.includes('webhook') && !vars.DOCKER_MAIL_WEBHOOK_SECRET) {
        problems.push('DOCKER_MAIL_WEBHOOK_SECRET is required when DB_TYPE=mysql and EMAIL_PROCESSING_METHOD includes webhook');
      }
    }
    if (methods.includes('imap')) {
      for (const name of ['DOCKER_MAIL_IMAP_HOST', 'DOCKER_MAIL_IMAP_USERNAME', 'DOCKER_MAIL_IMAP_PASSWORD'] as const) {
        if (!vars[name]) problems.push(`${name} is required when EMAIL_PROCESSING_METHOD includes imap`);
      }
    }
    if (methods.includes('file_monitor') && !vars.MAILDIR_PATH) {
      problems.push('MAILDIR_PATH is required when EMAIL_PROCESSING_METHOD includes file_monitor');
    }
    problems.push(...storageProblems(vars), ...mailboxOAuthProblems(vars));
    if (problems.length > 0) throw new ConfigError(problems.join('; '));

    const generated: string[] = [];
    const created: string[] = [];
    const secret = (name: 'APP_KEY' | 'ADMIN_API_TOKEN' | 'DOCKER_MAIL_WEBHOOK_SECRET'): string => {
      const given = vars[name];
      if (given) return given;
      generated.push(name);
      const { value, isNew } = generatedSecret(dataDir, name);
      if (isNew) created.push(name);
      return value;
    };

    const imapSecurity: ImapSecurity =
      vars.DOCKER_MAIL_IMAP_SECURITY ?? ((vars.DOCKER_MAIL_IMAP_PORT ?? 993) === 993 ? 'tls' : 'starttls');

    return new AppConfig({
      port: vars.PORT ?? 3000,
      dataDir,
      adminApiToken: secret('ADMIN_API_TOKEN'),
      inboundMaxBytes: vars.INBOUND_MAX_BYTES ?? 25 * 1024 * 1024,
      newTicketsPerSenderPerHour: (vars.INBOUND_NEW_TICKETS_PER_SENDER_PER_HOUR ?? 30) || null,
      database: {
        type: dbType,
        sqlitePath: join(dataDir, 'inbound.sqlite'),
        host: vars.DB_HOST ?? '127.0.0.1',
        port: vars.DB_PORT ?? 3306,
        database: vars.DB_DATABASE ?? 'inbound',
        username: vars.DB_USERNAME ?? 'inbound',
        password: vars.DB_PASSWORD ?? '',
      },
      appKey: secret('APP_KEY'),
      dockerMailEnabled: vars.DOCKER_MAIL_ENABLED ?? true,
      mailDomain: (vars.DOCKER_MAIL_DOMAIN ?? 'mail.localhost').toLowerCase(),
      authservId: (vars.AUTHSERV_ID ?? vars.DOCKER_MAIL_DOMAIN ?? 'mail.localhost').toLowerCase(),
      arcTrustedSealers: Object.freeze((vars.ARC_TRUSTED_SEALERS ?? '').split(',').map((d) => d.trim().toLowerCase()).filter(Boolean)),
      webhookSecret: secret('DOCKER_MAIL_WEBHOOK_SECRET'),
      mailServer: {
        hostname: (vars.DOCKER_MAIL_HOSTNAME ?? vars.DOCKER_MAIL_DOMAIN ?? 'mail.localhost').toLowerCase(),
        ipv4: vars.DOCKER_MAIL_SERVER_IPV4 ?? null,
      },
      imap: vars.DOCKER_MAIL_IMAP_HOST
        ? {
            host: vars.DOCKER_MAIL_IMAP_HOST,
            port: vars.DOCKER_MAIL_IMAP_PORT ?? 993,
            username: vars.DOCKER_MAIL_IMAP_USERNAME ?? '',
            password: vars.DOCKER_MAIL_IMAP_PASSWORD ?? '',
            security: imapSecurity,
            verifyTls: vars.DOCKER_MAIL_IMAP_TLS_VERIFY ?? true,
            mailbox: vars.DOCKER_MAIL_IMAP_MAILBOX ?? 'INBOX',
            processedFolder: vars.DOCKER_MAIL_IMAP_PROCESSED_FOLDER ?? 'Processed',
            failedFolder: vars.DOCKER_MAIL_IMAP_FAILED_FOLDER ?? 'Failed',
            leaseSeconds: vars.IMAP_LEASE_SECONDS ?? 30,
          }
        : null,
      tenantMailboxes: { maxConnections: vars.TENANT_MAILBOX_MAX_CONNECTIONS ?? 50, leaseSeconds: vars.IMAP_LEASE_SECONDS ?? 30 },
      mailboxOAuth: mailboxOAuthConfig(vars),
      processingMethods: methods,
      pollIntervalSeconds: vars.EMAIL_PROCESSING_INTERVAL ?? 30,
      maildirPath: vars.MAILDIR_PATH ? resolve(vars.MAILDIR_PATH) : null,
      devSmtp: vars.MAIL_DEV_SMTP_HOST ? { host: vars.MAIL_DEV_SMTP_HOST, port: vars.MAIL_DEV_SMTP_PORT ?? 1025 } : null,
      outbound: {
        pollIntervalMs: vars.OUTBOX_POLL_INTERVAL_MS ?? 5_000,
        retryBaseMs: vars.OUTBOX_RETRY_BASE_MS ?? 60_000,
        maxAttempts: vars.OUTBOX_MAX_ATTEMPTS ?? 10,
        verifyTls: vars.OUTBOUND_SMTP_TLS_VERIFY ?? true,
      },
      events: { pollMs: vars.EVENTS_POLL_MS ?? 250, retentionHours: vars.EVENTS_RETENTION_HOURS ?? 24 },
      instanceId: vars.INSTANCE_ID ?? `${hostname()}-${process.pid}`,
      egressAllowedHosts: parseEgressAllowedHosts(vars.EGRESS_ALLOWED_HOSTS ?? ''),
      trustProxy: parseTrustProxy(vars.TRUST_PROXY ?? 'loopback'),
      rateLimits: {
        authFailuresPerMinute: vars.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE ?? 10,
        apiPerSecond: vars.RATE_LIMIT_API_PER_SECOND ?? 100,
        smtpTestPerHour: vars.RATE_LIMIT_SMTP_TEST_PER_HOUR ?? 10,
        signInFailuresPerAccount: vars.RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT ?? 10,
      },
      accounts: accountsConfig(vars),
      webhookMaxInFlight: vars.WEBHOOK_MAX_IN_FLIGHT ?? 32,
      storageMinFreeBytes: (vars.STORAGE_MIN_FREE_MB ?? 512) * 1024 * 1024,
      storage: storageConfig(vars),
      retention: { sweepGraceMs: (vars.RETENTION_SWEEP_GRACE_MINUTES ?? 60) * 60_000 },
      logLevel: vars.LOG_LEVEL ?? 'log',
      generatedSecrets: generated,
      createdSecrets: created,
    });
  }
}

function describeErrors(errors: ValidationError[]): string {
  return errors
    .flatMap((e) => Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? m : `${e.property}: ${m}`)))
    .join('; ');
}

/** Reads ./.env into the environment when present; variables already set win. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

export function configFromProcessEnv(): AppConfig {
  return AppConfig.fromEnvironment(process.env);
}
