import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { EmailSettingsRepository } from '../email-settings/email-settings.repository';
import { sanitizeEmailHtml } from '../mail/sanitize-html';
import { ContentStore } from '../storage/content-store';
import { AttachmentStore } from '../storage/storage.module';
import { TenantsRepository } from '../tenants/tenants.repository';
import { UsersService } from '../tenants/users.service';
import { NewAttachment } from '../tickets/ticket-messages.repository';
import { toMessageView } from '../tickets/ticket-views';
import { TicketsRepository } from '../tickets/tickets.repository';
import { newOutboundMessageId } from './outbound-message';
import { answeredMessage, outboundTicketMessage } from './outbound-ticket-message';
import { ReplyDto } from './outbound.dto';
import { replyFromName, withSignature } from './reply-from-name';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { SmtpSenderService } from './smtp-sender.service';

/** Most SMTP servers refuse messages above 10–25 MB; base64 adds a third. */
const MAX_REPLY_ATTACHMENT_BYTES = 10 * 1024 * 1024;

interface ReplyAuthor {
  tenantId: TenantId;
  userId: number | null;
}

/** An agent's answer: stored on the ticket and queued in one transaction, sent by the outbox. */
@Injectable()
export class RepliesService {
  constructor(
    private readonly config: AppConfig,
    private readonly repo: OutboxRepository,
    private readonly tickets: TicketsRepository,
    private readonly settings: EmailSettingsRepository,
    private readonly tenants: TenantsRepository,
    private readonly outbox: OutboxService,
    private readonly sender: SmtpSenderService,
    private readonly attachmentStore: AttachmentStore,
    private readonly users: UsersService,
  ) {}

  /** A person's name; null for integrations (tokens of users without a sign-in address). */
  private async agentName(author: ReplyAuthor): Promise<string | null> {
    if (author.userId === null) return null;
    const user = await this.users.get(author.tenantId, author.userId).catch(() => null);
    return user?.signInEmail ? user.name : null;
  }

  async queueReply(author: ReplyAuthor, ticketId: number, dto: ReplyDto) {
    const { tenantId } = author;
    const ticket = await this.tickets.find(tenantId, ticketId);
    if (!ticket) throw DomainError.notFound('Ticket');
    const [settings, tenant, thread] = await Promise.all([
      this.settings.find(tenantId),
      this.tenants.find(tenantId),
      this.tickets.threadMessages(tenantId, ticketId),
    ]);
    if (!settings || !tenant) throw DomainError.notFound('E-mail settings');
    if (!(await this.sender.routeFor(tenantId))) {
      throw new DomainError('unprocessable', 'No SMTP server is set for this tenant: set smtp_host in /api/email-settings first');
    }
    const answered = answeredMessage(thread);
    const requester = ticket.requesterEmail ?? answered?.fromAddress ?? null;
    if (!requester) throw new DomainError('unprocessable', 'The ticket has no requester address to reply to');

    const files = decodeAttachments(dto.attachments ?? []);
    for (const file of files) await this.attachmentStore.put(file.content, file.sha256);

    const agent = await this.agentName(author);
    const fields = outboundTicketMessage({
      tenantId,
      ticket,
      thread,
      answered,
      messageId: newOutboundMessageId(this.config.mailDomain),
      from: { address: settings.fromAddress ?? settings.inboundEmailAddress, name: replyFromName(settings.replyFromNameTemplate, agent, settings.fromName ?? tenant.name) },
      to: { address: requester, name: requester === ticket.requesterEmail ? ticket.requesterName : (answered?.fromName ?? null) },
      cc: [...new Set((dto.cc ?? []).map((a) => a.trim().toLowerCase()))],
      text: withSignature(dto.body_text, settings.replySignature, agent),
      html: dto.body_html ? sanitizeEmailHtml(dto.body_html) : null,
      authorUserId: author.userId,
    });

    const { message, attachments } = await this.repo.queueReply(tenantId, fields, files.map(toAttachmentRow), requester);
    this.outbox.kick();
    if (author.userId !== null) await this.tickets.deleteDraft(tenantId, ticketId, author.userId);
    return toMessageView(message, attachments);
  }
}

interface DecodedAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  sha256: string;
}

function toAttachmentRow(file: DecodedAttachment): NewAttachment {
  return { filename: file.filename, contentType: file.contentType, size: file.content.length, sha256: file.sha256, contentId: null, inline: false };
}

function decodeAttachments(list: NonNullable<ReplyDto['attachments']>): DecodedAttachment[] {
  const files = list.map((a) => {
    const content = Buffer.from(a.content_base64, 'base64');
    return { filename: a.filename.trim(), contentType: a.content_type.toLowerCase(), content, sha256: ContentStore.sha256(content) };
  });
  const total = files.reduce((sum, f) => sum + f.content.length, 0);
  if (total > MAX_REPLY_ATTACHMENT_BYTES) {
    throw new DomainError('payload_too_large', `Attachments add up to ${total} bytes; at most ${MAX_REPLY_ATTACHMENT_BYTES} are allowed`);
  }
  return files;
}
