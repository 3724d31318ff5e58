import { signWebhookBody } from '../mail/webhook-signature';

const EX_OK = 0;
const EX_DATAERR = 65;
export const EX_USAGE = 64;
export const EX_TEMPFAIL = 75;

interface MailgateOptions {
  url: string;
  secret: string;
  recipient: string | null;
  timeoutMs: number;
}

/**
 * Postfix's pipe passes the envelope recipient as an argument; a BCC'd or forwarded message
 * names it nowhere in its headers, so it goes in front as Delivered-To before signing.
 */
export function withDeliveredTo(message: Buffer, recipient: string | null): Buffer {
  if (!recipient) return message;
  const clean = recipient.replace(/[\r\n]/g, '');
  const newline = message.includes('\r\n') ? '\r\n' : '\n';
  return Buffer.concat([Buffer.from(`Delivered-To: ${clean}${newline}`), message]);
}

/** Exit status for the MTA: 0 delivered, 75 try again later, 65 refused for good. */
export function exitCodeForStatus(status: number): number {
  if (status >= 200 && status < 300) return EX_OK;
  if (status === 408 || status === 429 || status >= 500) return EX_TEMPFAIL;
  return EX_DATAERR;
}

export async function postMessage(message: Buffer, options: MailgateOptions): Promise<{ exitCode: number; detail: string }> {
  const body = withDeliveredTo(message, options.recipient);
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const response = await fetch(options.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'message/rfc822',
        'X-Inbound-Timestamp': String(timestamp),
        'X-Inbound-Signature': signWebhookBody(options.secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    return { exitCode: exitCodeForStatus(response.status), detail: `HTTP ${response.status} ${text.slice(0, 500)}` };
  } catch (error) {
    return { exitCode: EX_TEMPFAIL, detail: `could not reach ${options.url}: ${(error as Error).message}` };
  }
}
