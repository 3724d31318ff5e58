import { Injectable } from '@nestjs/common';
import { AuditTrail } from '../audit/audit-trail';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { isUniqueViolation } from '../database/database-errors';
import { SMTP_PORTS } from '../egress/egress-policy';
import { reservedLocalPartReason } from '../mail/address-policy';
import { EmailSettings, SmtpSecurity } from './email-settings.entity';
import { UpdateEmailSettingsDto } from './email-settings.dto';
import { EmailSettingsRepository, NewEmailSettings } from './email-settings.repository';
import { SecretBox } from './secret-box';
import { effectiveSmtpPort, keepsStoredPassword, SmtpDestination, smtpSettingsProblem } from './smtp-settings-rules';

interface EmailSettingsView {
  tenant_id: number;
  use_docker_mail_server: boolean;
  inbound_email_domain: string;
  inbound_email_address: string;
  docker_mail_configured_at: Date | null;
  smtp_host: string | null;
  smtp_port: number | null;
  smtp_security: SmtpSecurity;
  smtp_username: string | null;
  smtp_password_set: boolean;
  from_address: string | null;
  from_name: string | null;
  reply_from_name_template: string | null;
  reply_signature: string | null;
  auto_acknowledge: boolean;
  auto_acknowledge_template: string | null;
  updated_at: Date;
}

/** The tenant's SMTP settings with the password decrypted, for the outbound sender only. */
interface SmtpCredentials {
  host: string;
  port: number;
  security: SmtpSecurity;
  username: string | null;
  password: string | null;
  fromAddress: string | null;
  fromName: string | null;
}

@Injectable()
export class EmailSettingsService {
  private readonly secretBox: SecretBox;

  constructor(
    private readonly settings: EmailSettingsRepository,
    private readonly config: AppConfig,
    private readonly audit: AuditTrail,
  ) {
    this.secretBox = new SecretBox(config.appKey);
  }

  /** A new tenant's settings, stored with the tenant (TenantsRepository.create); 422 for a reserved local part. */
  initialSettings(localPart: string): NewEmailSettings {
    return {
      useDockerMailServer: this.config.dockerMailEnabled,
      inboundEmailDomain: this.config.mailDomain,
      inboundEmailAddress: this.inboundAddressFor(localPart),
      dockerMailConfiguredAt: this.config.dockerMailEnabled ? new Date() : null,
      smtpHost: null,
      smtpPort: null,
      smtpSecurity: 'starttls',
      smtpUsername: null,
      smtpPasswordEncrypted: null,
      fromAddress: null,
      fromName: null,
      replyFromNameTemplate: null,
      replySignature: null,
      autoAcknowledge: false,
      autoAcknowledgeTemplate: null,
    };
  }

  async get(tenantId: TenantId): Promise<EmailSettingsView> {
    return toView(await this.load(tenantId));
  }

  async update(tenantId: TenantId, dto: UpdateEmailSettingsDto): Promise<EmailSettingsView> {
    const row = await this.load(tenantId);
    const before = toView(row);
    const previousAddress = row.inboundEmailAddress;
    if (dto.inbound_email_local_part !== undefined) {
      row.inboundEmailAddress = this.inboundAddressFor(dto.inbound_email_local_part);
    }
    if (dto.use_docker_mail_server !== undefined) {
      row.useDockerMailServer = dto.use_docker_mail_server;
      if (dto.use_docker_mail_server && !row.dockerMailConfiguredAt) row.dockerMailConfiguredAt = new Date();
    }
    const destinationBefore = smtpDestination(row);
    if (dto.smtp_host !== undefined) row.smtpHost = dto.smtp_host;
    if (dto.smtp_port !== undefined) row.smtpPort = dto.smtp_port;
    if (dto.smtp_security !== undefined) row.smtpSecurity = dto.smtp_security;
    if (dto.smtp_username !== undefined) row.smtpUsername = dto.smtp_username;
    const destination = smtpDestination(row);
    if (SMTP_DESTINATION_FIELDS.some((field) => dto[field] !== undefined)) {
      const problem = smtpSettingsProblem(destination, { allowances: this.config.egressAllowedHosts, ports: SMTP_PORTS });
      if (problem) throw new DomainError('unprocessable', problem);
    }
    if (dto.smtp_password !== undefined) {
      row.smtpPasswordEncrypted = dto.smtp_password === null ? null : this.secretBox.encrypt(dto.smtp_password);
    } else if (!keepsStoredPassword(destinationBefore, destination)) {
      row.smtpPasswordEncrypted = null;
    }
    if (dto.from_address !== undefined) row.fromAddress = dto.from_address;
    if (dto.from_name !== undefined) row.fromName = dto.from_name;
    if (dto.reply_from_name_template !== undefined) row.replyFromNameTemplate = dto.reply_from_name_template;
    if (dto.reply_signature !== undefined) row.replySignature = dto.reply_signature;
    if (dto.auto_acknowledge !== undefined) row.autoAcknowledge = dto.auto_acknowledge;
    if (dto.auto_acknowledge_template !== undefined) row.autoAcknowledgeTemplate = dto.auto_acknowledge_template;
    try {
      const after = toView(await this.settings.save(tenantId, row, previousAddress));
      this.audit.noteChanges({ ...before }, { ...after });
      if (dto.smtp_password !== undefined) this.audit.note({ changes: { smtp_password: { changed: true } } });
      return after;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('conflict', `The inbound address ${row.inboundEmailAddress} is already taken`);
      }
      throw error;
    }
  }

  /** Null when the tenant has no SMTP server set yet (outbound then uses the development relay). */
  async smtpCredentials(tenantId: TenantId): Promise<SmtpCredentials | null> {
    const row = await this.load(tenantId);
    if (!row.smtpHost) return null;
    return {
      host: row.smtpHost,
      port: effectiveSmtpPort(row.smtpPort, row.smtpSecurity),
      security: row.smtpSecurity,
      username: row.smtpUsername,
      password: row.smtpPasswordEncrypted ? this.secretBox.decrypt(row.smtpPasswordEncrypted) : null,
      fromAddress: row.fromAddress,
      fromName: row.fromName,
    };
  }

  /** The address on the shared domain; reserved local parts are refused (422). */
  private inboundAddressFor(localPart: string): string {
    const catchAll = this.config.imap?.username.toLowerCase().endsWith(`@${this.config.mailDomain}`) ? this.config.imap.username.split('@')[0] : null;
    const reserved = reservedLocalPartReason(localPart, catchAll);
    if (reserved) throw new DomainError('unprocessable', `inbound_email_local_part: ${reserved}; choose another`);
    return `${localPart}@${this.config.mailDomain}`;
  }

  private async load(tenantId: TenantId): Promise<EmailSettings> {
    const row = await this.settings.find(tenantId);
    if (!row) throw DomainError.notFound('E-mail settings');
    return row;
  }
}

const SMTP_DESTINATION_FIELDS = ['smtp_host', 'smtp_port', 'smtp_security', 'smtp_username'] as const;

function smtpDestination(row: EmailSettings): SmtpDestination {
  return { host: row.smtpHost, port: row.smtpPort, security: row.smtpSecurity, username: row.smtpUsername };
}

function toView(row: EmailSettings): EmailSettingsView {
  return {
    tenant_id: row.tenantId,
    use_docker_mail_server: row.useDockerMailServer,
    inbound_email_domain: row.inboundEmailDomain,
    inbound_email_address: row.inboundEmailAddress,
    docker_mail_configured_at: row.dockerMailConfiguredAt,
    smtp_host: row.smtpHost,
    smtp_port: row.smtpPort,
    smtp_security: row.smtpSecurity,
    smtp_username: row.smtpUsername,
    smtp_password_set: row.smtpPasswordEncrypted !== null,
    from_address: row.fromAddress,
    from_name: row.fromName,
    reply_from_name_template: row.replyFromNameTemplate,
    reply_signature: row.replySignature,
    auto_acknowledge: row.autoAcknowledge,
    auto_acknowledge_template: row.autoAcknowledgeTemplate,
    updated_at: row.updatedAt,
  };
}
