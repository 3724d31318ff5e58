import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { smtpTransportOptions, SmtpEndpoint, withSmtpTransport } from './smtp-transport';

export interface SystemMail {
  to: string;
  subject: string;
  text: string;
}

/**
 * The platform's own mail (invitations, password resets), sent at once through SYSTEM_SMTP_HOST
 * or, without it, the development relay (Mailpit). Both are the operator's settings: no egress check.
 */
@Injectable()
export class SystemMailService {
  constructor(private readonly config: AppConfig) {}

  get configured(): boolean {
    return this.endpoint() !== null;
  }

  async send(mail: SystemMail): Promise<void> {
    const endpoint = this.endpoint();
    if (!endpoint) throw new DomainError('unavailable', 'The platform cannot send mail: set SYSTEM_SMTP_HOST (or MAIL_DEV_SMTP_HOST in development)');
    const options = smtpTransportOptions(endpoint, { verifyTls: this.config.outbound.verifyTls });
    await withSmtpTransport(options, (transport) => transport.sendMail({ from: this.config.accounts.systemMailFrom, to: mail.to, subject: mail.subject, text: mail.text }));
  }

  private endpoint(): SmtpEndpoint | null {
    const own = this.config.accounts.systemSmtp;
    if (own) return { ...own };
    const relay = this.config.devSmtp;
    return relay ? { host: relay.host, port: relay.port, security: 'none', username: null, password: null } : null;
  }
}
