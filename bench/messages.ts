import { randomBytes } from 'node:crypto';

const WORDS = 'printer invoice login password account order delivery refund screen error update server mail broken please urgent thanks'.split(' ');

function sentence(seed: number, length: number): string {
  const words = Array.from({ length }, (_, i) => WORDS[(seed * 7 + i * 13) % WORDS.length]);
  return words.join(' ').replace(/^./, (c) => c.toUpperCase()) + '.';
}

function paragraph(seed: number): string {
  return Array.from({ length: 4 }, (_, i) => sentence(seed + i, 8 + ((seed + i) % 7))).join(' ');
}

/**
 * A realistic mix: plain replies with quoted history, multipart/alternative HTML mails, and
 * every tenth message with a ~40 KB attachment. `to` is filled in per run.
 */
export function benchMessage(i: number, to: string): Buffer {
  const id = `<bench-${i}-${randomBytes(4).toString('hex')}@customer.example>`;
  const head = [
    `From: Customer ${i} <customer${i % 200}@customer.example>`,
    `To: ${to}`,
    `Subject: ${i % 3 === 0 ? 'Re: ' : ''}${sentence(i, 4)}`,
    `Date: ${new Date(Date.UTC(2026, 10, 1) + i * 60_000).toUTCString()}`,
    `Message-ID: ${id}`,
    ...(i % 3 === 0 ? [`In-Reply-To: <bench-${i - 1}@customer.example>`, `References: <bench-${i - 2}@customer.example> <bench-${i - 1}@customer.example>`] : []),
    'MIME-Version: 1.0',
  ];
  const text = `${paragraph(i)}\n\n${paragraph(i + 1)}\n\nOn Mon, Agent wrote:\n${Array.from({ length: 12 }, (_, k) => `> ${sentence(i + k, 10)}`).join('\n')}\n`;
  if (i % 10 === 0) {
    const attachment = randomBytes(30_000).toString('base64').replace(/.{76}/g, '$&\r\n');
    return Buffer.from(
      [
        ...head,
        'Content-Type: multipart/mixed; boundary="mix"',
        '',
        '--mix',
        'Content-Type: text/plain; charset=utf-8',
        '',
        text,
        '--mix',
        'Content-Type: application/pdf; name="report.pdf"',
        'Content-Disposition: attachment; filename="report.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        attachment,
        '--mix--',
        '',
      ].join('\r\n'),
    );
  }
  if (i % 2 === 0) {
    const html = `<html><body><p>${paragraph(i)}</p><p>${paragraph(i + 2)}</p><blockquote>${paragraph(i + 3)}</blockquote><img src="https://tracker.example/x.gif" onerror="alert(1)"><script>alert(1)</script></body></html>`;
    return Buffer.from(
      [
        ...head,
        'Content-Type: multipart/alternative; boundary="alt"',
        '',
        '--alt',
        'Content-Type: text/plain; charset=utf-8',
        '',
        text,
        '--alt',
        'Content-Type: text/html; charset=utf-8',
        '',
        html,
        '--alt--',
        '',
      ].join('\r\n'),
    );
  }
  return Buffer.from([...head, 'Content-Type: text/plain; charset=utf-8', '', text].join('\r\n'));
}

/** The fixed secrets and domain every bench instance starts with (never a real deployment's). */
export const BENCH_ENV = {
  ADMIN_API_TOKEN: 'bench-admin-token-0123456789abcdef0123',
  APP_KEY: 'bench-app-key-0123456789abcdef0123456789',
  DOCKER_MAIL_WEBHOOK_SECRET: 'bench-webhook-secret-0123456789',
  DOCKER_MAIL_DOMAIN: 'mail.test',
  LOG_LEVEL: 'error',
} as const;
