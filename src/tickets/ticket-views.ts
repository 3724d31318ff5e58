import { findTextLinks } from '../mail/text-links';
import { countRemoteImages } from '../mail/display-mail-html';
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

/** How the formatted version of a message is shown: see MailFrameService and the image senders. */
export interface MessageDisplay {
  /** The frame page of the HTML body, when there is one. */
  htmlFrameUrl: string | null;
  /** The sender is on the tenant's list of senders whose remote images load without asking. */
  senderImagesAllowed: boolean;
}

/** A message as GET /api/tickets/:id (and a reply's answer) shows it. */
export function toMessageView(m: TicketMessage, attachments: Attachment[], display?: MessageDisplay) {
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
    text_links: findTextLinks(m.textBody),
    new_text_links: findTextLinks(m.newText),
    html_frame_url: display?.htmlFrameUrl ?? null,
    remote_image_count: m.htmlBody ? countRemoteImages(m.htmlBody) : 0,
    sender_images_allowed: display?.senderImagesAllowed ?? false,
    is_auto_reply: m.isAutoReply,
    is_bounce: m.isBounce,
    sender_auth: m.senderAuth ?? null,
    sender_auth_details: m.senderAuthDetails ?? null,
    delivery_status: m.deliveryStatus,
    delivery_detail: m.deliveryDetail,
    sent_at: m.sentAt,
    date: m.sentAt,
    created_at: m.createdAt,
    attachments: attachments.map(toAttachmentView),
  };
}
