import { Injectable } from '@nestjs/common';
import type { SendMailOptions } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { AppConfig } from '../config/app-config';
import { EmailSettingsService } from '../email-settings/email-settings.service';
import { createSmtpTransport, SmtpEndpoint } from './smtp-transport';

export type SmtpRoute = { endpoint: SmtpEndpoint; via: 'tenant_smtp' | 'development_relay' };

/** Picks the server a tenant's mail leaves through and talks to it. */
@Injectable()
export class SmtpSenderService {
  constructor(
    private readonly config: AppConfig,
    private readonly settings: EmailSettingsService,
  ) {}

  /** The tenant's own SMTP server; without one the development relay (Mailpit); else null. */
  async routeFor(tenantId: number): Promise<SmtpRoute | null> {
    const own = await this.settings.smtpCredentials(tenantId);
    if (own) {
      return { endpoint: { host: own.host, port: own.port, security: own.security, username: own.username, password: own.password }, via: 'tenant_smtp' };
    }
    const relay = this.config.devSmtp;
    if (relay) return { endpoint: { host: relay.host, port: relay.port, security: 'none', username: null, password: null }, via: 'development_relay' };
    return null;
  }

  /** One connection per message: simple, and a tenant's changed settings apply at once. */
  async send(endpoint: SmtpEndpoint, mail: SendMailOptions): Promise<SMTPTransport.SentMessageInfo> {
    const transport = createSmtpTransport(endpoint, { verifyTls: this.config.outbound.verifyTls });
    try {
      return await transport.sendMail(mail);
    } finally {
      transport.close();
    }
  }

  /** Connects, negotiates TLS and authenticates, then says QUIT; throws nodemailer's error. */
  async verify(endpoint: SmtpEndpoint): Promise<void> {
    const transport = createSmtpTransport(endpoint, { verifyTls: this.config.outbound.verifyTls });
    try {
      await transport.verify();
    } finally {
      transport.close();
    }
  }
}
