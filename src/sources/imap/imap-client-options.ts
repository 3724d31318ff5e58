import type { ImapFlowOptions } from 'imapflow';
import { ImapConfig } from '../../config/app-config';

/** IDLE is broken and restarted this often, so a silently dead connection is noticed. */
const IDLE_RESTART_MS = 60_000;

/**
 * imapflow options for the configured security. With `none`, imapflow must also be told not
 * to upgrade: by default it takes STARTTLS whenever the server offers it (Dovecot does on
 * its plain port) and then rejects a self-signed certificate.
 */
export function imapClientOptions(config: ImapConfig): ImapFlowOptions {
  const tls = { rejectUnauthorized: config.verifyTls };
  const transport: Pick<ImapFlowOptions, 'secure' | 'doSTARTTLS' | 'tls'> =
    config.security === 'tls'
      ? { secure: true, tls }
      : config.security === 'starttls'
        ? { secure: false, doSTARTTLS: true, tls }
        : { secure: false, doSTARTTLS: false };
  return {
    host: config.host,
    port: config.port,
    ...transport,
    auth: { user: config.username, pass: config.password },
    clientInfo: { name: 'inbound' },
    logger: false,
    // The reader starts IDLE itself right after each drain: the default (IDLE after 15 s of
    // quiet) would leave new mail unseen for those 15 s.
    disableAutoIdle: true,
    maxIdleTime: IDLE_RESTART_MS,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 3 * IDLE_RESTART_MS,
  };
}
