import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { asTenantId, TenantId } from '../common/tenant-id';
import { AppConfig } from '../config/app-config';
import { contentIdKey, displayMailHtml } from '../mail/display-mail-html';
import { MAIL_FRAME_CSS, mailFrameContentSecurityPolicy, mailFrameDocument } from '../mail/mail-frame-document';
import { mailFrameKey, readMailFrameLink, signMailFrameLink } from '../mail/mail-frame-link';
import { AttachmentStore } from '../storage/storage.module';
import { Attachment } from './attachment.entity';
import { TicketsRepository } from './tickets.repository';

/**
 * A frame link handed out with a ticket stays valid for one to two hours: it expires at the end
 * of the hour after the current one, so a ticket refetched within the hour keeps the same link
 * and its open frame does not reload.
 */
const HOUR_MS = 60 * 60 * 1000;
/** Inline images are put into the page as data: URLs; larger parts show their alt text. */
const MAX_INLINE_IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_INLINE_TOTAL_BYTES = 15 * 1024 * 1024;
const RASTER_TYPES: Record<string, string> = {
  'image/png': 'image/png',
  'image/jpeg': 'image/jpeg',
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/gif': 'image/gif',
  'image/webp': 'image/webp',
};

export interface MailFramePage {
  html: string;
  contentSecurityPolicy: string;
}

/** The formatted view of a message: its own page, loaded by the UI's sandboxed frame. */
@Injectable()
export class MailFrameService {
  private readonly key: Buffer;

  constructor(
    config: AppConfig,
    private readonly tickets: TicketsRepository,
    private readonly attachmentStore: AttachmentStore,
  ) {
    this.key = mailFrameKey(config.appKey);
  }

  /** The path the UI's frame loads for a message the caller has just been shown. */
  linkFor(tenantId: TenantId, messageId: number, now = new Date()): string {
    const expiresAt = new Date((Math.floor(now.getTime() / HOUR_MS) + 2) * HOUR_MS);
    const link = signMailFrameLink(this.key, { tenantId, messageId }, expiresAt);
    return `/api/mail-frames/${link}`;
  }

  async page(link: string, remoteImages: boolean): Promise<MailFramePage> {
    const grant = readMailFrameLink(this.key, link, new Date());
    if (!grant) throw new DomainError('not_found', 'Message not found (the link is wrong or has expired: reload the ticket)');
    const tenantId = asTenantId(grant.tenantId);
    const message = await this.tickets.message(tenantId, grant.messageId);
    if (!message?.htmlBody) throw DomainError.notFound('Message');
    const inlineImages = await this.inlineImages(await this.tickets.attachmentsOf(tenantId, [message.id]));
    const body = displayMailHtml(message.htmlBody, { inlineImages, loadRemoteImages: remoteImages });
    return {
      html: mailFrameDocument(body, MAIL_FRAME_CSS),
      contentSecurityPolicy: mailFrameContentSecurityPolicy({ remoteImages, baseCss: MAIL_FRAME_CSS }),
    };
  }

  /** The message's raster parts with a Content-ID, by that id, as data: URLs. */
  private async inlineImages(attachments: Attachment[]): Promise<Map<string, string>> {
    const images = new Map<string, string>();
    let total = 0;
    for (const part of attachments) {
      const type = RASTER_TYPES[part.contentType.toLowerCase().split(';')[0].trim()];
      if (!part.contentId || !type || part.size > MAX_INLINE_IMAGE_BYTES || total + part.size > MAX_INLINE_TOTAL_BYTES) continue;
      const key = contentIdKey(part.contentId);
      if (images.has(key)) continue;
      total += part.size;
      images.set(key, `data:${type};base64,${(await this.attachmentStore.get(part.sha256)).toString('base64')}`);
    }
    return images;
  }
}
