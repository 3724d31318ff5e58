import { Injectable } from '@nestjs/common';
import type { Actor } from '../audit/audit-policy';
import { AppConfig } from '../config/app-config';
import { OAUTH_MAILBOX_KINDS } from '../config/mailbox-oauth-config';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { SecretBox } from '../email-settings/secret-box';
import { IMAP_PORTS, keepsMailboxPassword, MailboxDestination, mailboxSettingsProblem, unsupportedKindProblem } from './mailbox-rules';
import { CreateTenantMailboxDto, UpdateTenantMailboxDto } from './tenant-mailbox.dto';
import { MailboxCheckpointRepository } from '../sources/imap/mailbox-checkpoint.repository';
import { TenantMailbox, tenantMailboxKey } from './tenant-mailbox.entity';
import { TenantMailboxesRepository } from './tenant-mailboxes.repository';
import { MailboxOAuthService } from './mailbox-oauth.service';
import { endpointProblem, isOAuthKind, OAUTH_PROVIDERS } from './oauth-providers';

const OAUTH_FIELDS = ['oauth_client_id', 'oauth_client_secret', 'oauth_authorize_url', 'oauth_token_url'] as const;

/** Where to send the admin's browser, and the cookie that ties the provider's answer to that browser. */
export interface Authorization {
  authorizeUrl: string;
  binding: string;
}

export interface TenantMailboxView {
  id: number;
  kind: string;
  host: string;
  port: number;
  security: string;
  username: string;
  folder: string;
  password_set: boolean;
  /** The tenant's replies leave through this mailbox (OAuth2 kinds). */
  send_replies: boolean;
  /** OAuth2 kinds: the app is the tenant's own (its client id), or null for the platform's. */
  oauth_client_id: string | null;
  enabled: boolean;
  state: string;
  last_error: string | null;
  last_success_at: Date | null;
  state_changed_at: Date | null;
  /** Messages waiting in the folder when it was last read. */
  backlog: number | null;
  /** Seconds since the last successful read while the mailbox is not connected; null when connected. */
  lag_seconds: number | null;
  created_at: Date;
}

/** A tenant's own mailboxes: connect, change, list, remove. The readers are TenantMailboxReaders. */
@Injectable()
export class TenantMailboxesService {
  private readonly secretBox: SecretBox;

  constructor(
    private readonly mailboxes: TenantMailboxesRepository,
    private readonly checkpoints: MailboxCheckpointRepository,
    private readonly config: AppConfig,
    private readonly oauth: MailboxOAuthService,
  ) {
    this.secretBox = new SecretBox(config.appKey);
  }

  async list(tenantId: TenantId): Promise<TenantMailboxView[]> {
    return (await this.mailboxes.list(tenantId)).map(toView);
  }

  providers(): { kind: string; label: string; platform_app: boolean }[] {
    return [
      { kind: 'imap', label: 'IMAP with a password', platform_app: true },
      ...OAUTH_MAILBOX_KINDS.map((kind) => ({ kind, label: OAUTH_PROVIDERS[kind].label, platform_app: this.config.mailboxOAuth.apps[kind] !== null })),
    ];
  }

  async get(tenantId: TenantId, id: number): Promise<TenantMailboxView> {
    return toView(await this.load(tenantId, id));
  }

  async create(tenantId: TenantId, dto: CreateTenantMailboxDto, actor: Actor): Promise<{ mailbox: TenantMailboxView; authorization: Authorization | null }> {
    const unsupported = unsupportedKindProblem(dto.kind);
    if (unsupported) throw new DomainError('unprocessable', unsupported);
    if (!isOAuthKind(dto.kind)) {
      const oauthField = OAUTH_FIELDS.find((field) => dto[field] !== undefined);
      if (oauthField) throw new DomainError('unprocessable', `${oauthField}: only for "microsoft365" and "google" mailboxes`);
      const destination: MailboxDestination = { host: dto.host!, port: dto.port!, security: dto.security!, username: dto.username! };
      this.check(destination);
      const row = await this.mailboxes.insert(tenantId, { kind: 'imap', ...destination, passwordEncrypted: this.secretBox.encrypt(dto.password!), folder: dto.folder ?? 'INBOX' });
      return { mailbox: toView(row), authorization: null };
    }
    if (dto.password !== undefined) throw new DomainError('unprocessable', `password: a ${OAUTH_PROVIDERS[dto.kind].label} mailbox signs in at ${OAUTH_PROVIDERS[dto.kind].label}, not with a password`);
    const imap = this.config.mailboxOAuth.imap[dto.kind];
    const destination: MailboxDestination = { host: dto.host ?? imap.host, port: dto.port ?? imap.port, security: dto.security ?? imap.security, username: (dto.username ?? '').toLowerCase() };
    this.check(destination);
    const app = this.ownApp(dto);
    const fields = { kind: dto.kind, ...destination, passwordEncrypted: null, folder: dto.folder ?? 'INBOX', ...app };
    this.oauth.requireClient(fields);
    const row = await this.mailboxes.insert(tenantId, fields, 'awaiting_authorization');
    return { mailbox: toView(row), authorization: await this.oauth.authorization(row, actor) };
  }

  /** Reconnect (or finish connecting) an OAuth2 mailbox: where to send the browser. */
  async authorize(tenantId: TenantId, id: number, actor: Actor): Promise<Authorization> {
    const row = await this.load(tenantId, id);
    if (!isOAuthKind(row.kind)) throw new DomainError('unprocessable', 'This mailbox signs in with a password: give it again with PATCH {"password"}');
    return this.oauth.authorization(row, actor);
  }

  async update(tenantId: TenantId, id: number, dto: UpdateTenantMailboxDto): Promise<TenantMailboxView> {
    const row = await this.load(tenantId, id);
    const oauth = isOAuthKind(row.kind);
    if (oauth && dto.password !== undefined) throw new DomainError('unprocessable', 'password: this mailbox signs in at its provider: use Reconnect');
    if (dto.send_replies === true && !oauth) throw new DomainError('unprocessable', 'send_replies: only a Microsoft 365 or Google mailbox sends replies; for another server use the SMTP settings');
    if (oauth && dto.username !== undefined && dto.username.toLowerCase() !== row.username) {
      throw new DomainError('unprocessable', 'username: the provider says which mailbox this is; connect another address as a new mailbox');
    }
    const before = destinationOf(row);
    if (dto.host !== undefined) row.host = dto.host;
    if (dto.port !== undefined) row.port = dto.port;
    if (dto.security !== undefined) row.security = dto.security;
    if (dto.username !== undefined && !oauth) row.username = dto.username;
    const after = destinationOf(row);
    const sameServer = keepsMailboxPassword(before, after);
    if (!sameServer) this.check(after);
    if (dto.password !== undefined) row.passwordEncrypted = this.secretBox.encrypt(dto.password);
    else if (!sameServer) row.passwordEncrypted = null;
    if (dto.folder !== undefined) row.folder = dto.folder;
    const reconnect = dto.password !== undefined || !sameServer || dto.folder !== undefined;
    if (dto.enabled !== undefined) row.enabled = dto.enabled;
    if (!row.enabled) this.setState(row, 'disabled', null);
    else if (reconnect || row.state === 'disabled') this.setState(row, ...readyState(row));
    if (dto.send_replies === false) row.sendsReplies = false;
    const saved = await this.mailboxes.save(tenantId, row);
    if (dto.send_replies === true) {
      await this.mailboxes.chooseReplySender(tenantId, id);
      saved.sendsReplies = true;
    }
    return toView(saved);
  }

  async remove(tenantId: TenantId, id: number): Promise<void> {
    if (!(await this.mailboxes.delete(tenantId, id))) throw DomainError.notFound('Mailbox');
    await this.checkpoints.forget(tenantMailboxKey(id));
  }

  /** The decrypted password, for the reader only; null when none is stored. */
  password(row: TenantMailbox): string | null {
    return row.passwordEncrypted ? this.secretBox.decrypt(row.passwordEncrypted) : null;
  }

  /** A tenant's own app registration, checked: client id and secret together, endpoints https and allowed. */
  private ownApp(dto: CreateTenantMailboxDto): Pick<TenantMailbox, 'oauthClientId' | 'oauthClientSecretEncrypted' | 'oauthAuthorizeUrl' | 'oauthTokenUrl'> {
    if ((dto.oauth_client_id === undefined) !== (dto.oauth_client_secret === undefined)) {
      throw new DomainError('unprocessable', 'oauth_client_id and oauth_client_secret go together: give both, or neither for the platform’s app');
    }
    for (const field of ['oauth_authorize_url', 'oauth_token_url'] as const) {
      const value = dto[field];
      const problem = value === undefined ? null : endpointProblem(field, value, { allowances: this.config.egressAllowedHosts });
      if (problem) throw new DomainError('unprocessable', problem);
    }
    return {
      oauthClientId: dto.oauth_client_id ?? null,
      oauthClientSecretEncrypted: dto.oauth_client_secret === undefined ? null : this.oauth.encryptSecret(dto.oauth_client_secret),
      oauthAuthorizeUrl: dto.oauth_authorize_url ?? null,
      oauthTokenUrl: dto.oauth_token_url ?? null,
    };
  }

  private check(destination: MailboxDestination): void {
    const problem = mailboxSettingsProblem(destination, { allowances: this.config.egressAllowedHosts, ports: IMAP_PORTS });
    if (problem) throw new DomainError('unprocessable', problem);
  }

  private setState(row: TenantMailbox, state: TenantMailbox['state'], lastError: string | null): void {
    if (row.state !== state) row.stateChangedAt = new Date();
    row.state = state;
    row.lastError = lastError;
  }

  private async load(tenantId: TenantId, id: number): Promise<TenantMailbox> {
    const row = await this.mailboxes.find(tenantId, id);
    if (!row) throw DomainError.notFound('Mailbox');
    return row;
  }
}

/** What a mailbox turned on or changed waits for: its reader, or the admin. */
function readyState(row: TenantMailbox): [TenantMailbox['state'], string | null] {
  if (isOAuthKind(row.kind)) return row.oauthRefreshTokenEncrypted ? ['connecting', null] : ['awaiting_authorization', null];
  return row.passwordEncrypted ? ['connecting', null] : ['needs_reauthorization', 'no password: give the mailbox password again'];
}

function destinationOf(row: TenantMailbox): MailboxDestination {
  return { host: row.host, port: row.port, security: row.security, username: row.username };
}

function toView(row: TenantMailbox): TenantMailboxView {
  const lagging = row.enabled && row.state !== 'connected';
  const since = row.lastSuccessAt ?? row.createdAt;
  return {
    id: row.id,
    kind: row.kind,
    host: row.host,
    port: row.port,
    security: row.security,
    username: row.username,
    folder: row.folder,
    password_set: row.passwordEncrypted !== null,
    send_replies: row.sendsReplies,
    oauth_client_id: row.oauthClientId,
    enabled: row.enabled,
    state: row.enabled ? row.state : 'disabled',
    last_error: row.lastError,
    last_success_at: row.lastSuccessAt,
    state_changed_at: row.stateChangedAt,
    backlog: row.backlog,
    lag_seconds: lagging && since ? Math.max(0, Math.round((Date.now() - since.getTime()) / 1000)) : null,
    created_at: row.createdAt,
  };
}
