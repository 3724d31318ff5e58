import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { sanitizeEmailHtml } from '../mail/sanitize-html';
import { ContentStore } from '../storage/content-store';
import { AttachmentStore } from '../storage/storage.module';
import { Attachment } from '../tickets/attachment.entity';
import { Ticket } from '../tickets/ticket.entity';
import { TicketMessage } from '../tickets/ticket-message.entity';
import { toMessageView } from '../tickets/ticket-views';
import { newOutboundMessageId } from './outbound-message';
import { answeredMessage, outboundTicketMessage } from './outbound-ticket-message';
import { ReplyDto } from './outbound.dto';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { SmtpSenderService } from './smtp-sender.service';

/** Most SMTP servers refuse messages above 10–25 MB; base64 adds a third. */
export const MAX_REPLY_ATTACHMENT_BYTES = 10 * 1024 * 1024;

export interface ReplyAuthor {
  tenantId: number;
  userId: number | null;
}

/** An agent's answer: stored on the ticket and queued in one transaction, sent by the outbox. */
@Injectable()
export class RepliesService {
  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: OutboxRepository,
    private readonly outbox: OutboxService,
    private readonly sender: SmtpSenderService,
    private readonly attachmentStore: AttachmentStore,
  ) {}

  async queueReply(author: ReplyAuthor, ticketId: number, dto: ReplyDto) {
    const { tenantId } = author;
    const ticket = await this.repo.ticket(tenantId, ticketId);
    if (!ticket) throw DomainError.notFound('Ticket');
    const [settings, tenant, thread] = await Promise.all([
      this.repo.settings(tenantId),
      this.repo.tenant(tenantId),
      this.repo.threadMessages(tenantId, ticketId),
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

    const fields = outboundTicketMessage({
      tenantId,
      ticket,
      thread,
      answered,
      messageId: newOutboundMessageId(this.config.mailDomain),
      from: { address: settings.fromAddress ?? settings.inboundEmailAddress, name: settings.fromName ?? tenant.name },
      to: { address: requester, name: requester === ticket.requesterEmail ? ticket.requesterName : (answered?.fromName ?? null) },
      cc: [...new Set((dto.cc ?? []).map((a) => a.trim().toLowerCase()))],
      text: dto.body_text,
      html: dto.body_html ? sanitizeEmailHtml(dto.body_html) : null,
      authorUserId: author.userId,
    });

    const { message, attachments } = await this.dataSource.transaction(async (manager) => {
      const saved = await manager.save(manager.create(TicketMessage, fields));
      const rows = files.length
        ? await manager.save(
            files.map((f) =>
              manager.create(Attachment, { tenantId, ticketMessageId: saved.id, filename: f.filename, contentType: f.contentType, size: f.content.length, sha256: f.sha256, contentId: null, inline: false }),
            ),
          )
        : [];
      await manager.update(Ticket, { tenantId, id: ticket.id }, { messageCount: () => 'message_count + 1', lastActivityAt: new Date() });
      await this.outbox.enqueue(manager, { tenantId, kind: 'reply', recipient: requester, ticketMessageId: saved.id, payload: null });
      return { message: saved, attachments: rows };
    });
    this.outbox.kick();
    return toMessageView(message, attachments);
  }
}

interface DecodedAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  sha256: string;
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
