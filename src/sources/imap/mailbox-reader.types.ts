import type { FetchMessageObject, ImapFlow } from 'imapflow';
import type { AppConfig, ImapConfig } from '../../config/app-config';
import type { EgressRules } from '../../egress/egress-policy';
import type { SourceHealth } from '../../health/health.registry';
import type { IngestOptions, IngestService } from '../../inbound/ingest.service';
import type { MailboxCheckpointRepository } from './mailbox-checkpoint.repository';

export interface ImapHealth extends SourceHealth {
  mailbox: string;
  /** "held": this instance reads the mailbox; "standby": another instance does. */
  lease: 'held' | 'standby' | null;
}

/** One connection's reading of the mailbox while this instance holds the lease. */
export interface ReadingSession {
  client: ImapFlow;
  uidValidity: string;
  lastUid: number;
  leaseHeld: boolean;
  newMail: boolean;
}

export type FetchedMessage = Pick<FetchMessageObject, 'uid' | 'source' | 'envelope' | 'headers'>;

export interface BatchOutcome {
  processed: number[];
  failed: number[];
  /** Every message of the batch up to this UID was handled: where the checkpoint may move. */
  lastUid: number;
  /** Set when the database was unavailable: the rest of the batch was not ingested. */
  interruption: unknown;
}

export class ConnectionClosed extends Error {
  readonly code = 'NoConnection';
}


/** What the reader needs of the application. */
export interface ReaderDeps {
  config: Pick<AppConfig, 'instanceId' | 'pollIntervalSeconds' | 'inboundMaxBytes'>;
  ingest: Pick<IngestService, 'ingest'>;
  checkpoints: MailboxCheckpointRepository;
}

/** One mailbox to read: where, under which checkpoint row, and what the pipeline is told of its mail. */
export interface ReaderTarget {
  imap: ImapConfig;
  /** The mailbox_checkpoints row holding its progress and lease. */
  key: string;
  /** Names the mailbox in logs and in the log rows' source reference. */
  label: string;
  ingestOptions: Pick<IngestOptions, 'sourceTenantId'>;
  /**
   * The catch-all stands by while another instance holds the lease and hands the lease back on
   * any failure; a tenant mailbox's reader ends instead (its scheduler decides who reads it) and
   * ends on a refused login, which needs the tenant admin.
   */
  mode: 'standby' | 'scheduled';
  /** Failure descriptions name the operator's DOCKER_MAIL_IMAP_* variables (not for tenants' mailboxes). */
  operatorHints: boolean;
  /** A tenant's host: resolved and checked against the egress rules at every connect, then reached by that address. */
  egress?: EgressRules;
  /**
   * OAuth2 (XOAUTH2) instead of the password: asked at every connect; `fresh` after the server
   * refused the last one. Throws CredentialsRefused when the grant is gone.
   */
  accessToken?: (fresh: boolean) => Promise<string>;
}

/** Credentials that only the mailbox's owner can renew (an OAuth2 grant revoked): a scheduled reader ends as on a refused login. */
export class CredentialsRefused extends Error {
  readonly authenticationFailed = true;
}
