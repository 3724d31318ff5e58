import { Attachment } from './attachment.entity';
import { Ticket } from './ticket.entity';
import { TicketMessage } from './ticket-message.entity';

export function toTicketView(t: Ticket) {
  return {
    id: t.id,
    number: t.number,
    subject: t.subject,
    status: t.status,
    requester_email: t.requesterEmail,
    requester_name: t.requesterName,
    message_count: t.messageCount,
    has_unread: t.hasUnread,
    assignee_user_id: t.assigneeUserId,
    last_activity_at: t.lastActivityAt,
    created_at: t.createdAt,
  };
}

function toAttachmentView(a: Attachment) {
  return {
    id: a.id,
    filename: a.filename,
    content_type: a.contentType,
    size: a.size,
    content_id: a.contentId,
    inline: a.inline,
    url: `/api/attachments/${a.id}`,
  };
}

/** A message as GET /api/tickets/:id (and a reply's answer) shows it. */
export function toMessageView(m: TicketMessage, attachments: Attachment[]) {
  return {
    id: m.id,
    ticket_id: m.ticketId,
    direction: m.direction,
    message_id: m.messageId,
    in_reply_to: m.inReplyTo,
    references: m.references ?? [],
    from: m.fromAddress,
    from_name: m.fromName,
    to: m.to ?? [],
    cc: m.cc ?? [],
    subject: m.subject,
    text: m.textBody,
    html: m.htmlBody,
    new_text: m.newText,
    is_auto_reply: m.isAutoReply,
    is_bounce: m.isBounce,
    delivery_status: m.deliveryStatus,
    delivery_detail: m.deliveryDetail,
    sent_at: m.sentAt,
    created_at: m.createdAt,
    attachments: attachments.map(toAttachmentView),
  };
}
