import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MailboxSendingRoute, MailboxSendingRoutes } from '../common/mailbox-sending';
import { TenantId } from '../common/tenant-id';
import { MailboxOAuthService } from './mailbox-oauth.service';
import { isOAuthKind } from './oauth-providers';
import { TenantMailboxesRepository } from './tenant-mailboxes.repository';

/** The tenant's replies through its Microsoft 365 or Google mailbox: the provider's SMTP server, XOAUTH2 with the mailbox's access token. */
@Injectable()
export class TenantMailboxSending extends MailboxSendingRoutes {
  constructor(
    private readonly mailboxes: TenantMailboxesRepository,
    private readonly oauth: MailboxOAuthService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async forTenant(tenantId: TenantId): Promise<MailboxSendingRoute | null> {
    const row = await this.mailboxes.replySender(tenantId);
    if (!row || !isOAuthKind(row.kind)) return null;
    const smtp = this.config.mailboxOAuth.smtp[row.kind];
    return { ...smtp, address: row.username, accessToken: () => this.oauth.accessToken(row.id) };
  }
}
