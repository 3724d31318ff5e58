import { ImapConfig } from '../../config/app-config';

interface ErrorFields {
  message?: string;
  code?: string;
  authenticationFailed?: boolean;
  serverResponseCode?: string;
  responseText?: string;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** One line an operator can act on, for the log and /health. Never contains the password. */
export function describeImapFailure(error: unknown, config: Pick<ImapConfig, 'host' | 'port' | 'username'>, operatorHints = true): string {
  const e = (error ?? {}) as ErrorFields;
  const where = `${config.host}:${config.port}`;
  const detail = e.responseText || e.message || String(error);
  if (e.authenticationFailed) {
    return `IMAP login refused for ${config.username} at ${where} (${e.serverResponseCode ?? 'AUTHENTICATIONFAILED'})${operatorHints ? ': check DOCKER_MAIL_IMAP_USERNAME and DOCKER_MAIL_IMAP_PASSWORD' : ': check the user name and password'}`;
  }
  switch (e.code) {
    case 'ECONNREFUSED':
      return `IMAP server ${where} refused the connection${operatorHints ? ': is it running, and are DOCKER_MAIL_IMAP_HOST/_PORT right?' : ''}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `IMAP host ${config.host} could not be resolved (${e.code})`;
    case 'CONNECT_TIMEOUT':
    case 'GREETING_TIMEOUT':
    case 'UPGRADE_TIMEOUT':
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
      return `IMAP server ${where} did not answer in time (${e.code})`;
    case 'NoConnection':
    case 'EConnectionClosed':
    case 'ECONNRESET':
    case 'EPIPE':
      return `IMAP connection to ${where} was lost (${e.code}): ${detail}`;
  }
  if (e.code && TLS_CODES.has(e.code)) {
    return `IMAP server ${where} presented a certificate that was rejected (${e.code})${operatorHints ? '; for a test server with a self-signed certificate set DOCKER_MAIL_IMAP_TLS_VERIFY=false' : ''}`;
  }
  return `IMAP error at ${where}${e.code ? ` (${e.code})` : ''}: ${detail}`;
}
