import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { EmailSettingsRepository } from '../email-settings/email-settings.repository';
import { TenantsRepository } from '../tenants/tenants.repository';
import { OutboxRepository } from './outbox.repository';
import { SmtpRoute, SmtpSenderService } from './smtp-sender.service';
import { classifySmtpFailure, SmtpStage } from './smtp-transport';

type SmtpTestResult = {
  via: SmtpRoute['via'];
  host: string;
  port: number;
  security: string;
  authenticated: boolean;
  duration_ms: number;
} & (
  | { ok: true; sent_to: string | null; smtp_response: string | null }
  | { ok: false; stage: SmtpStage; error: string; smtp_code: number | null }
);

/** POST /api/email-settings/smtp-test: does the tenant's SMTP server take our mail? */
@Injectable()
export class SmtpTestService {
  constructor(
    private readonly config: AppConfig,
    private readonly sender: SmtpSenderService,
    private readonly repo: OutboxRepository,
    private readonly settings: EmailSettingsRepository,
    private readonly tenants: TenantsRepository,
  ) {}

  async run(tenantId: TenantId, sendTo: string | null): Promise<SmtpTestResult> {
    const started = Date.now();
    const route = await this.sender.routeFor(tenantId);
    if (!route) throw new DomainError('unprocessable', 'No SMTP server is set for this tenant: set smtp_host in /api/email-settings first');
    const { endpoint } = route;
    const base = {
      via: route.via,
      host: endpoint.host,
      port: endpoint.port,
      security: endpoint.security,
      authenticated: endpoint.username !== null,
    };
    const failed = (error: unknown) => {
      const failure = classifySmtpFailure(error, endpoint.password);
      return { ...base, ok: false as const, stage: failure.stage, error: failure.message, smtp_code: failure.responseCode, duration_ms: Date.now() - started };
    };

    try {
      await this.sender.verify(route);
    } catch (error) {
      return failed(error);
    }
    if (!sendTo) return { ...base, ok: true, sent_to: null, smtp_response: null, duration_ms: Date.now() - started };

    const settings = await this.settings.find(tenantId);
    const tenant = await this.tenants.find(tenantId);
    try {
      const info = await this.sender.send(route, {
        from: { name: settings?.fromName ?? tenant?.name ?? '', address: settings?.fromAddress ?? settings?.inboundEmailAddress ?? `test@${this.config.mailDomain}` },
        to: sendTo,
        subject: 'SMTP test from your helpdesk',
        text: `This message confirms that your helpdesk can send mail through ${endpoint.host}:${endpoint.port}.\n\nThis is an automatic message.`,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', Precedence: 'bulk' },
      });
      await this.repo.recordTestSend(tenantId, sendTo, { sent: true, smtpResponse: info.response ?? '' });
      return { ...base, ok: true, sent_to: sendTo, smtp_response: info.response ?? null, duration_ms: Date.now() - started };
    } catch (error) {
      const result = failed(error);
      await this.repo.recordTestSend(tenantId, sendTo, { sent: false, error: `${result.stage}: ${result.error}` });
      return result;
    }
  }
}
