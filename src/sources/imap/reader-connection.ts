import type { ImapFlowOptions } from 'imapflow';
import { ImapConfig } from '../../config/app-config';
import { EgressLookupError, EgressRefusedError, resolveEgressTarget } from '../../egress/resolve-egress-target';
import { keepAtSource } from '../keep-at-source';
import { imapClientOptions } from './imap-client-options';
import { describeImapFailure } from './imap-failure';
import { CredentialsRefused, ReaderTarget } from './mailbox-reader.types';

/**
 * imapflow's options for one connect of a reader: the password or a current OAuth2 access token
 * (XOAUTH2), and a tenant's host resolved and checked against the egress rules, then reached by that address.
 */
export async function readerClientOptions(imap: ImapConfig, target: ReaderTarget, freshToken: boolean): Promise<ImapFlowOptions> {
  const base = imapClientOptions(imap);
  const options = target.accessToken ? { ...base, auth: { user: imap.username, accessToken: await target.accessToken(freshToken) } } : base;
  if (!target.egress) return options;
  const checked = await resolveEgressTarget({ host: imap.host, port: imap.port }, target.egress);
  return { ...options, host: checked.address, tls: { ...options.tls, ...(checked.servername ? { servername: checked.servername } : {}) } };
}

/** One line for the log, /health and the tenant's mailbox list. */
export function describeReaderFailure(error: unknown, imap: ImapConfig, target: ReaderTarget): string {
  if (error instanceof EgressRefusedError || error instanceof EgressLookupError) return `${imap.host}:${imap.port}: ${error.message}`;
  if (error instanceof CredentialsRefused) return error.message;
  if (target.accessToken && (error as { authenticationFailed?: boolean } | null)?.authenticationFailed) {
    return `IMAP login with an OAuth2 access token refused for ${imap.username} at ${imap.host}:${imap.port}: reconnect the mailbox (is IMAP enabled for it?)`;
  }
  if (keepAtSource(error)) {
    return `storage or database unavailable, messages stay in ${imap.mailbox} until it is back: ${(error as Error).message}`;
  }
  return describeImapFailure(error, imap, target.operatorHints);
}
