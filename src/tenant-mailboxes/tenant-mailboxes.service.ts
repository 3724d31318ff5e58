import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { SecretBox } from '../email-settings/secret-box';
import { IMAP_PORTS, keepsMailboxPassword, MailboxDestination, mailboxSettingsProblem, unsupportedKindProblem } from './mailbox-rules';
import { CreateTenantMailboxDto, UpdateTenantMailboxDto } from './tenant-mailbox.dto';
import { MailboxCheckpointRepository } from '../sources/imap/mailbox-checkpoint.repository';
import { TenantMailbox, tenantMailboxKey } from './tenant-mailbox.entity';
import { TenantMailboxesRepository } from './tenant-mailboxes.repository';

export interface TenantMailboxView {
  id: number;
  kind: string;
  host: string;
  port: number;
  security: string;
  username: string;
  folder: string;
  password_set: boolean;
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
  ) {
    this.secretBox = new SecretBox(config.appKey);
  }

  async list(tenantId: TenantId): Promise<TenantMailboxView[]> {
    return (await this.mailboxes.list(tenantId)).map(toView);
  }

  async get(tenantId: TenantId, id: number): Promise<TenantMailboxView> {
    return toView(await this.load(tenantId, id));
  }

  async create(tenantId: TenantId, dto: CreateTenantMailboxDto): Promise<TenantMailboxView> {
    const unsupported = unsupportedKindProblem(dto.kind);
    if (unsupported) throw new DomainError('unprocessable', unsupported);
    const destination: MailboxDestination = { host: dto.host!, port: dto.port!, security: dto.security!, username: dto.username! };
    this.check(destination);
    const row = await this.mailboxes.insert(tenantId, {
      kind: 'imap',
      ...destination,
      passwordEncrypted: this.secretBox.encrypt(dto.password!),
      folder: dto.folder ?? 'INBOX',
    });
    return toView(row);
  }

  async update(tenantId: TenantId, id: number, dto: UpdateTenantMailboxDto): Promise<TenantMailboxView> {
    const row = await this.load(tenantId, id);
    const before = destinationOf(row);
    if (dto.host !== undefined) row.host = dto.host;
    if (dto.port !== undefined) row.port = dto.port;
    if (dto.security !== undefined) row.security = dto.security;
    if (dto.username !== undefined) row.username = dto.username;
    const after = destinationOf(row);
    if (!keepsMailboxPassword(before, after)) this.check(after);
    if (dto.password !== undefined) row.passwordEncrypted = this.secretBox.encrypt(dto.password);
    else if (!keepsMailboxPassword(before, after)) row.passwordEncrypted = null;
    if (dto.folder !== undefined) row.folder = dto.folder;
    const reconnect = dto.password !== undefined || !keepsMailboxPassword(before, after) || dto.folder !== undefined;
    if (dto.enabled !== undefined) row.enabled = dto.enabled;
    if (!row.enabled) this.setState(row, 'disabled', null);
    else if (reconnect || row.state === 'disabled') this.setState(row, row.passwordEncrypted ? 'connecting' : 'needs_reauthorization', row.passwordEncrypted ? null : 'no password: give the mailbox password again');
    return toView(await this.mailboxes.save(tenantId, row));
  }

  async remove(tenantId: TenantId, id: number): Promise<void> {
    if (!(await this.mailboxes.delete(tenantId, id))) throw DomainError.notFound('Mailbox');
    await this.checkpoints.forget(tenantMailboxKey(id));
  }

  /** The decrypted password, for the reader only; null when none is stored. */
  password(row: TenantMailbox): string | null {
    return row.passwordEncrypted ? this.secretBox.decrypt(row.passwordEncrypted) : null;
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
