import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { asTenantId } from '../common/tenant-id';
import { SystemMailService } from '../outbound/system-mail.service';
import { UsersService } from '../tenants/users.service';
import { OAUTH_PROVIDERS, isOAuthKind } from './oauth-providers';
import { TenantMailbox } from './tenant-mailbox.entity';
import { TenantMailboxesRepository } from './tenant-mailboxes.repository';

/**
 * Tells a tenant's admins, by one e-mail per bad episode, that one of their mailboxes stopped
 * being read: at once when it needs them to sign in again, after BACKING_OFF_NOTICE_MS when it
 * keeps failing. Every instance looks; claiming the row makes exactly one of them send.
 * The UI shows the same state meanwhile; the next episode starts when the mailbox works again.
 */
@Injectable()
export class MailboxNoticesService {
  private readonly logger = new Logger('MailboxNotices');

  constructor(
    private readonly mailboxes: TenantMailboxesRepository,
    private readonly users: UsersService,
    private readonly mail: SystemMailService,
    private readonly config: AppConfig,
  ) {}

  async sendDue(now = new Date()): Promise<void> {
    if (!this.mail.configured) return;
    for (const row of await this.mailboxes.untoldProblems(now)) {
      if (!(await this.mailboxes.claimNotice(row.id, now))) continue;
      try {
        await this.tell(row);
      } catch (error) {
        this.logger.warn(`could not tell the admins of tenant ${row.tenantId} about mailbox ${row.id}: ${(error as Error).message}; trying again later`);
        await this.mailboxes.releaseNotice(row.id);
      }
    }
  }

  private async tell(row: TenantMailbox): Promise<void> {
    const admins = await this.users.adminAddresses(asTenantId(row.tenantId));
    if (admins.length === 0) return;
    const name = row.username || `${isOAuthKind(row.kind) ? OAUTH_PROVIDERS[row.kind].label : row.host} mailbox ${row.id}`;
    const needsYou = row.state === 'needs_reauthorization';
    const text = [
      `Inbound stopped reading the mailbox ${name}${needsYou ? '' : ` (${row.host}:${row.port})`}.`,
      '',
      `What happened: ${row.lastError ?? row.state}`,
      '',
      needsYou
        ? `Nothing arriving there becomes a ticket until you ${isOAuthKind(row.kind) ? 'reconnect it (Reconnect)' : 'give the password again'} in Settings › Mailboxes:`
        : 'Inbound keeps trying by itself; mail waits in the mailbox meanwhile and nothing is lost. Settings › Mailboxes shows its state:',
      `${this.config.accounts.publicUrl}/#/settings`,
      '',
      'Mail that arrived meanwhile is read from where reading stopped, once the mailbox is back. You get this e-mail once; the next only after the mailbox has worked again.',
    ].join('\n');
    await this.mail.send({ to: admins.join(', '), subject: `Mailbox ${name} ${needsYou ? 'needs you to sign in again' : 'cannot be read'}`, text });
    this.logger.log(`told ${admins.length} admin(s) of tenant ${row.tenantId} that mailbox ${row.id} is ${row.state}`);
  }
}
