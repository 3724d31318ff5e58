import { isIP } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { SmtpSecurity } from '../email-settings/email-settings.entity';

/** Where and how to deliver: a tenant's own SMTP server, or the development relay (Mailpit). */
export interface SmtpEndpoint {
  host: string;
  port: number;
  security: SmtpSecurity;
  username: string | null;
  password: string | null;
}

export type SmtpStage = 'dns' | 'connection' | 'tls' | 'auth' | 'send';

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

export function smtpTransportOptions(endpoint: SmtpEndpoint, options: { verifyTls: boolean }): SMTPTransport.Options {
  const tls = {
    rejectUnauthorized: options.verifyTls,
    minVersion: 'TLSv1.2' as const,
    ...(isIP(endpoint.host) ? {} : { servername: endpoint.host }),
  };
  return {
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.security === 'tls',
    requireTLS: endpoint.security === 'starttls',
    // "none" means plain text on purpose (a local relay such as Mailpit): no opportunistic STARTTLS.
    ignoreTLS: endpoint.security === 'none',
    tls,
    auth: endpoint.username ? { user: endpoint.username, pass: endpoint.password ?? '' } : undefined,
    ...SMTP_TIMEOUTS,
    logger: false,
    debug: false,
  };
}

export function createSmtpTransport(endpoint: SmtpEndpoint, options: { verifyTls: boolean }): Transporter<SMTPTransport.SentMessageInfo> {
  return nodemailer.createTransport(smtpTransportOptions(endpoint, options));
}

interface NodemailerError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}

const PERMANENT_WITHOUT_REPLY = new Set(['EAUTH', 'ENOAUTH', 'ECONFIG', 'EENVELOPE', 'EMESSAGE', 'EMAXRECIPIENTS', 'EREQUIRETLS', 'EFILEACCESS', 'EURLACCESS']);
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
  if (code === 'EDNS') stage = 'dns';
  else if (code === 'ETLS' || (['ESOCKET', 'ECONNECTION'].includes(code) && TLS_TROUBLE.test(e.message ?? ''))) stage = 'tls';
  else if (code === 'EAUTH' || code === 'ENOAUTH') stage = 'auth';
  else if (['ESOCKET', 'ECONNECTION', 'ETIMEDOUT'].includes(code) || e.command === 'CONN') stage = 'connection';
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
