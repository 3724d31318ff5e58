import { randomBytes } from 'node:crypto';
import { signWebhookBody } from '../../src/mail/webhook-signature';
import { TestApp, WEBHOOK_SECRET } from './test-app';

export interface MailSpec {
  from?: string;
  to: string;
  cc?: string;
  subject?: string;
  body?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
  date?: string;
  headers?: Record<string, string>;
}

/** A plain RFC 5322 message; every call gets a new Message-ID unless one is given. */
export function buildMail(spec: MailSpec): Buffer {
  const lines = [
    `From: ${spec.from ?? 'Customer <customer@example.com>'}`,
    `To: ${spec.to}`,
    ...(spec.cc ? [`Cc: ${spec.cc}`] : []),
    `Subject: ${spec.subject ?? 'Printer on fire'}`,
    `Date: ${spec.date ?? new Date().toUTCString()}`,
    `Message-ID: ${spec.messageId ?? `<${randomBytes(8).toString('hex')}@example.com>`}`,
    ...(spec.inReplyTo ? [`In-Reply-To: ${spec.inReplyTo}`] : []),
    ...(spec.references ? [`References: ${spec.references}`] : []),
    ...Object.entries(spec.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    spec.body ?? 'Hello, my printer is on fire. Please help.',
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

/** A multipart/mixed mail with a text part and one attached file (its name and content type as given). */
export function buildMailWithAttachment(spec: { to: string; messageId?: string; filename: string; contentType: string; content: string }): Buffer {
  const boundary = `b-${randomBytes(4).toString('hex')}`;
  return Buffer.from(
    [
      'From: customer@example.com',
      `To: ${spec.to}`,
      'Subject: With attachment',
      `Message-ID: ${spec.messageId ?? `<${randomBytes(8).toString('hex')}@example.com>`}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain',
      '',
      'See attached.',
      `--${boundary}`,
      `Content-Type: ${spec.contentType}; name="${spec.filename}"`,
      `Content-Disposition: attachment; filename="${spec.filename}"`,
      '',
      spec.content,
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}

/** POSTs a raw message to the webhook, signed as the MTA gate would. */
export function postSigned(t: TestApp, raw: Buffer, options: { secret?: string; timestamp?: number } = {}) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return t
    .http()
    .post('/api/inbound/webhook')
    .set('Content-Type', 'message/rfc822')
    .set('X-Inbound-Timestamp', String(timestamp))
    .set('X-Inbound-Signature', signWebhookBody(options.secret ?? WEBHOOK_SECRET, timestamp, raw))
    .send(raw);
}
