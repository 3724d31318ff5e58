import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { parseIpLiteral } from '../egress/egress-policy';
import { SmtpSecurity } from '../email-settings/email-settings.entity';

/** Where and how to deliver: a tenant's own SMTP server, or the development relay (Mailpit). */
export interface SmtpEndpoint {
  host: string;
  port: number;
  security: SmtpSecurity;
  username: string | null;
  password: string | null;
  /** XOAUTH2 with this token instead of the password (a Microsoft 365 or Google mailbox). */
  accessToken?: string;
}

/** 'policy': refused before connecting (a private address, a port that is not SMTP, AUTH without TLS). */
export type SmtpStage = 'policy' | 'dns' | 'connection' | 'tls' | 'auth' | 'send';

export interface SmtpFailure {
  stage: SmtpStage;
  /** Worth trying again later (4xx, network trouble) rather than never (5xx, bad credentials). */
  temporary: boolean;
  responseCode: number | null;
  /** What the server or the socket said, without the password. */
  message: string;
}

/** Below the outbox lease (see outbox.repository.ts), so that a lease never expires mid-send. */
export const SMTP_TIMEOUTS = {
  connectionTimeout: 15_000,
  greetingTimeout: 15_000,
  socketTimeout: 60_000,
  dnsTimeout: 10_000,
} as const;

/**
 * `address`: the IP address the egress check resolved and accepted. The connection goes there,
 * not to the name (which a second lookup could answer differently), while TLS still presents
 * and verifies the name.
 */
export function smtpTransportOptions(endpoint: SmtpEndpoint, options: { verifyTls: boolean; address?: string }): SMTPTransport.Options {
  const tls = {
    rejectUnauthorized: options.verifyTls,
    minVersion: 'TLSv1.2' as const,
    ...(parseIpLiteral(endpoint.host) ? {} : { servername: endpoint.host }),
  };
  return {
    host: options.address ?? endpoint.host,
    port: endpoint.port,
    secure: endpoint.security === 'tls',
    requireTLS: endpoint.security === 'starttls',
    // "none" means plain text on purpose (a local relay such as Mailpit): no opportunistic STARTTLS.
    ignoreTLS: endpoint.security === 'none',
    tls,
    auth: endpoint.accessToken
      ? { type: 'OAuth2', user: endpoint.username ?? '', accessToken: endpoint.accessToken }
      : endpoint.username
        ? { user: endpoint.username, pass: endpoint.password ?? '' }
        : undefined,
    ...SMTP_TIMEOUTS,
    logger: false,
    debug: false,
  };
}

/** Whatever a server answered that did not greet with 220 is kept from the tenant: it may be another service's banner. */
class NotAnSmtpServerError extends Error {
  readonly code = 'EGREETING';
  readonly command = 'CONN';
  constructor() {
    super('the server did not greet as an SMTP server (no 220 greeting); check the host and port');
  }
}

/**
 * Notes the server's first reply from nodemailer's transaction log, and nothing else: the log
 * also carries the client's commands, which are dropped here.
 */
function watchGreeting() {
  let firstReply: string | null = null;
  const note = (entry?: { tnx?: string }, message?: unknown) => {
    if (firstReply === null && entry?.tnx === 'server' && typeof message === 'string') firstReply = message;
  };
  return {
    logger: { trace: note, debug: note, info: note, warn: note, error: note, fatal: note },
    greeted: () => firstReply !== null && /^220(?:[ -]|$)/.test(firstReply),
    heardAnything: () => firstReply !== null,
  };
}

/**
 * One fresh transport for one call, closed afterwards. When the server's first words were not
 * a 220 greeting, its error is replaced, so that no byte of a non-SMTP service (an SSH or HTTP
 * banner, a database handshake) reaches the tenant, the outbox or the log.
 */
export async function withSmtpTransport<T>(options: SMTPTransport.Options, use: (transport: Transporter<SMTPTransport.SentMessageInfo>) => Promise<T>): Promise<T> {
  const greeting = watchGreeting();
  const transport = nodemailer.createTransport({ ...options, logger: greeting.logger, transactionLog: true, debug: false });
  try {
    return await use(transport);
  } catch (error) {
    const carriesServerText = typeof (error as NodemailerError | null)?.response === 'string';
    if (!greeting.greeted() && (greeting.heardAnything() || carriesServerText)) throw new NotAnSmtpServerError();
    throw error;
  } finally {
    transport.close();
  }
}

interface NodemailerError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}

const PERMANENT_WITHOUT_REPLY = new Set(['EPOLICY', 'EAUTH', 'ENOAUTH', 'ECONFIG', 'EENVELOPE', 'EMESSAGE', 'EMAXRECIPIENTS', 'EREQUIRETLS', 'EFILEACCESS', 'EURLACCESS']);
const TLS_TROUBLE = /certificate|self[- ]signed|\bSSL\b|\bTLS\b|wrong version number|handshake|CERT_|unable to verify|altnames/i;

/**
 * Sorts a nodemailer error into the stage it failed at and whether a retry can help.
 * RFC 5321: 4yz is transient, 5yz permanent; 503 (bad sequence) only says the session was in
 * the wrong state, so a new connection may succeed.
 */
export function classifySmtpFailure(error: unknown, secret?: string | null): SmtpFailure {
  const e = (error ?? {}) as NodemailerError;
  const code = e.code ?? '';
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  const message = redactSecret(String(e.response ?? e.message ?? error), secret).trim();

  let stage: SmtpStage;
  if (code === 'EPOLICY') stage = 'policy';
  else if (code === 'EDNS') stage = 'dns';
  else if (code === 'ETLS' || (['ESOCKET', 'ECONNECTION'].includes(code) && TLS_TROUBLE.test(e.message ?? ''))) stage = 'tls';
  else if (code === 'EAUTH' || code === 'ENOAUTH') stage = 'auth';
  else if (['ESOCKET', 'ECONNECTION', 'ETIMEDOUT', 'EGREETING'].includes(code) || e.command === 'CONN') stage = 'connection';
  else stage = 'send';

  let temporary: boolean;
  if (responseCode !== null && responseCode >= 400 && responseCode < 600) {
    temporary = responseCode < 500 || responseCode === 503;
  } else {
    temporary = !PERMANENT_WITHOUT_REPLY.has(code);
  }
  return { stage, temporary, responseCode, message };
}

/**
 * The password must never reach a log, an API answer or a ticket. Servers sometimes echo what
 * they were sent, so both its plain form and the base64 form that AUTH LOGIN sends are masked.
 */
export function redactSecret(text: string, secret?: string | null): string {
  if (!secret) return text;
  const forms = [secret, Buffer.from(secret).toString('base64')].filter((f) => f.length >= 3);
  return forms.reduce((out, form) => out.split(form).join('***'), text);
}
