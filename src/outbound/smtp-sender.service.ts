import { Injectable, Optional } from '@nestjs/common';
import type { SendMailOptions } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { AppConfig } from '../config/app-config';
import { MailboxSendingRoutes } from '../common/mailbox-sending';
import { TenantId } from '../common/tenant-id';
import { SMTP_PORTS } from '../egress/egress-policy';
import { EgressRefusedError, resolveEgressTarget } from '../egress/resolve-egress-target';
import { EmailSettingsService } from '../email-settings/email-settings.service';
import { authenticatesInClear } from '../email-settings/smtp-settings-rules';
import { SMTP_TIMEOUTS, smtpTransportOptions, SmtpEndpoint, withSmtpTransport } from './smtp-transport';

/** `from`: the address the server lets the tenant send as (its mailbox), replacing the settings' From. */
export type SmtpRoute = {
  endpoint: SmtpEndpoint;
  via: 'tenant_mailbox' | 'tenant_smtp' | 'development_relay';
  from?: string;
  /** A mailbox's XOAUTH2 token, asked for when connecting. */
  accessToken?: () => Promise<string>;
};

/** Picks the server a tenant's mail leaves through and talks to it. */
@Injectable()
export class SmtpSenderService {
  constructor(
    private readonly config: AppConfig,
    private readonly settings: EmailSettingsService,
    @Optional() private readonly mailboxes?: MailboxSendingRoutes,
  ) {}

  /** The tenant's mailbox it chose to send through; else its own SMTP server; without one the development relay (Mailpit); else null. */
  async routeFor(tenantId: TenantId): Promise<SmtpRoute | null> {
    const mailbox = await this.mailboxes?.forTenant(tenantId);
    if (mailbox) {
      const { address, accessToken, ...server } = mailbox;
      return { endpoint: { ...server, username: address, password: null }, via: 'tenant_mailbox', from: address, accessToken };
    }
    const own = await this.settings.smtpCredentials(tenantId);
    if (own) {
      return { endpoint: { host: own.host, port: own.port, security: own.security, username: own.username, password: own.password }, via: 'tenant_smtp' };
    }
    const relay = this.config.devSmtp;
    if (relay) return { endpoint: { host: relay.host, port: relay.port, security: 'none', username: null, password: null }, via: 'development_relay' };
    return null;
  }

  /** One connection per message: simple, and a tenant's changed settings apply at once. */
  async send(route: SmtpRoute, mail: SendMailOptions): Promise<SMTPTransport.SentMessageInfo> {
    const from = route.from ? { name: typeof mail.from === 'object' && mail.from && 'name' in mail.from ? mail.from.name : '', address: route.from } : mail.from;
    return withSmtpTransport(await this.transportOptions(route), (transport) => transport.sendMail({ ...mail, from }));
  }

  /** Connects, negotiates TLS and authenticates, then says QUIT; throws nodemailer's error. */
  async verify(route: SmtpRoute): Promise<void> {
    await withSmtpTransport(await this.transportOptions(route), (transport) => transport.verify());
  }

  /**
   * A tenant's server is resolved and checked once, then reached by the checked address. Throws
   * EgressRefusedError (stage "policy") or EgressLookupError (stage "dns") before any connection.
   * The development relay is the operator's own setting and is not checked.
   */
  private async transportOptions(route: SmtpRoute): Promise<SMTPTransport.Options> {
    const { endpoint } = route;
    const verifyTls = this.config.outbound.verifyTls;
    if (route.via === 'development_relay') return smtpTransportOptions(endpoint, { verifyTls });
    const target = await resolveEgressTarget(
      { host: endpoint.host, port: endpoint.port },
      { allowances: this.config.egressAllowedHosts, ports: SMTP_PORTS },
      { timeoutMs: SMTP_TIMEOUTS.dnsTimeout },
    );
    if (authenticatesInClear(endpoint) && !target.allowlisted) {
      throw new EgressRefusedError('connection refused: security "none" with a user name would send the password without encryption to a host not in EGRESS_ALLOWED_HOSTS');
    }
    const accessToken = route.accessToken ? await route.accessToken() : undefined;
    return smtpTransportOptions({ ...endpoint, accessToken }, { verifyTls, address: target.address });
  }
}
