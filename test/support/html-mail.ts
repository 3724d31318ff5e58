import { randomBytes } from 'node:crypto';

export interface MailPart {
  contentType: string;
  filename?: string;
  contentId?: string;
  content: Buffer;
}

/**
 * multipart/mixed [ multipart/related [ multipart/alternative [text, html], inline parts ],
 * attachments ], as Apple Mail and Outlook send a mail with pictures in its body.
 */
export function buildHtmlMail(spec: {
  to: string;
  from?: string;
  subject: string;
  date?: string;
  text?: string;
  html: string;
  inline?: MailPart[];
  attachments?: MailPart[];
}): Buffer {
  const b = () => `b-${randomBytes(6).toString('hex')}`;
  const [mixed, related, alternative] = [b(), b(), b()];
  const base64 = (content: Buffer) => content.toString('base64').replace(/.{76}/g, '$&\r\n');
  const part = (p: MailPart, disposition: 'inline' | 'attachment') => [
    `Content-Type: ${p.contentType}${p.filename ? `; name="${p.filename}"` : ''}`,
    'Content-Transfer-Encoding: base64',
    ...(p.contentId ? [`Content-ID: <${p.contentId}>`] : []),
    `Content-Disposition: ${disposition}${p.filename ? `; filename="${p.filename}"` : ''}`,
    '',
    base64(p.content),
  ];
  const lines = [
    `From: ${spec.from ?? 'Nina Newsletter <news@shop.example>'}`,
    `To: ${spec.to}`,
    `Subject: ${spec.subject}`,
    `Date: ${spec.date ?? new Date().toUTCString()}`,
    `Message-ID: <${randomBytes(8).toString('hex')}@shop.example>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${mixed}"`,
    '',
    `--${mixed}`,
    `Content-Type: multipart/related; boundary="${related}"`,
    '',
    `--${related}`,
    `Content-Type: multipart/alternative; boundary="${alternative}"`,
    '',
    ...(spec.text !== undefined ? [`--${alternative}`, 'Content-Type: text/plain; charset=utf-8', '', spec.text] : []),
    `--${alternative}`,
    'Content-Type: text/html; charset=utf-8',
    '',
    spec.html,
    `--${alternative}--`,
    ...(spec.inline ?? []).flatMap((p) => [`--${related}`, ...part(p, 'inline')]),
    `--${related}--`,
    ...(spec.attachments ?? []).flatMap((p) => [`--${mixed}`, ...part(p, 'attachment')]),
    `--${mixed}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

/** A one-page PDF saying `text`, small enough to read. */
export function tinyPdf(text: string): Buffer {
  const stream = `BT /F1 24 Tf 72 720 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
