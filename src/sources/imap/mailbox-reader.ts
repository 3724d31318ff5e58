import { Logger } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import { ImapConfig } from '../../config/app-config';
import { keepAtSource } from '../keep-at-source';
import { describeReaderFailure, readerClientOptions } from './reader-connection';
import { backoffDelayMs } from '../retry-backoff';
import { WakeableSleep } from '../wakeable-sleep';
import { FetchBatch, newerThan, planFetchBatches, uidSet } from './fetch-plan';
import { handledPrefix, laneOf, planIngestLanes } from './ingest-lanes';
import { MailboxCheckpointRepository } from './mailbox-checkpoint.repository';
import { BatchOutcome, ConnectionClosed, CredentialsRefused, FetchedMessage, ImapHealth, ReaderDeps, ReaderTarget, ReadingSession } from './mailbox-reader.types';
import { resumeDecision } from './uid-validity';

/** UIDs whose sizes are asked for at once: bounds the listing of a mailbox with a huge backlog. */
const LISTING_WINDOW = 500;
const FETCH_MAX_MESSAGES = 50;
const FETCH_MAX_BYTES = 8 * 1024 * 1024;
/**
 * Messages of a batch in the pipeline at once (see ingestBatch): all of a full fetch. The more are
 * in flight, the more share a group-committed transaction: 16 drained a backlog about a third
 * faster than 4, and 50 about a third faster than 16 (MariaDB, 460 -> 638 msg/s); 100 in fetches
 * of 100 gained no more than noise.
 */
const INGEST_LANES = FETCH_MAX_MESSAGES;
/**
 * Between connects only new UIDs are read; this often the whole mailbox is read again, to pick up
 * a message set aside after an error or one whose move to Processed failed.
 */
const WHOLE_MAILBOX_PASS_MS = 10 * 60_000;
/** How long shutdown waits for the message in hand before it cuts the connection. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Reads one IMAP mailbox into the ingest pipeline: the whole mailbox by UID at each
 * connect (never "unseen only"), then what arrives, woken by IDLE (or every
 * EMAIL_PROCESSING_INTERVAL seconds without it). A message is flagged \Seen and moved to the
 * Processed or Failed folder only after the pipeline committed it; anything that goes wrong
 * before leaves it in the mailbox to be read again, and the pipeline's duplicate rule makes
 * reading it again harmless. Only while this instance holds the mailbox's lease.
 */
export class MailboxReader {
  private readonly logger: Logger;
  private readonly sleep = new WakeableSleep();
  private readonly config: ReaderDeps['config'];
  private readonly ingest: ReaderDeps['ingest'];
  private readonly checkpoints: MailboxCheckpointRepository;
  private stopping = false;
  private reading: Promise<void> | null = null;
  private client: ImapFlow | null = null;
  private done = false;
  private abandoning = false;
  health: ImapHealth;
  /** The server refused the login: a scheduled reader ended, waiting for the admin. */
  authenticationFailed = false;
  /** An OAuth2 login was refused once and the next connect asks for a new access token. */
  private freshTokenTried = false;

  constructor(
    deps: ReaderDeps,
    readonly target: ReaderTarget,
  ) {
    this.config = deps.config;
    this.ingest = deps.ingest;
    this.checkpoints = deps.checkpoints;
    this.logger = new Logger(target.mode === 'standby' ? 'ImapSource' : `Mailbox ${target.label}`);
    this.health = { name: 'imap', mailbox: target.imap.mailbox, status: 'starting', connected: false, lease: null, last_success_at: null, last_error: null, backlog: null };
  }

  /** Not awaited by callers: the API serves while the mailbox is unreachable. */
  start(): Promise<void> {
    this.reading ??= this.superviseReading(this.target.imap).finally(() => (this.health.connected = false));
    return this.reading;
  }

  /** Whether reading ended (a scheduled reader ends when it loses the lease or the login is refused). */
  get finished(): boolean {
    return this.done;
  }

  /**
   * The message in hand is finished and the lease handed back (unless `abandon`: as if the
   * process died, the lease is left to expire).
   */
  async stop(options: { abandon?: boolean } = {}): Promise<void> {
    this.stopping = true;
    this.abandoning = options.abandon ?? false;
    this.sleep.wake();
    if (this.abandoning) this.client?.close();
    let grace: NodeJS.Timeout | undefined;
    // A server that stopped answering must not hold up the shutdown: what was not acknowledged stays in the mailbox.
    const cut = new Promise<void>((resolve) => (grace = setTimeout(resolve, SHUTDOWN_GRACE_MS)));
    await Promise.race([this.reading, cut.then(() => this.client?.close())]);
    clearTimeout(grace);
    await this.reading;
  }

  private async superviseReading(imap: ImapConfig): Promise<void> {
    const { key } = this.target;
    const owner = this.config.instanceId;
    const standby = this.target.mode === 'standby';
    const leaseRetryMs = Math.max(1000, (imap.leaseSeconds * 1000) / 3);
    let failures = 0;
    try {
      while (!this.stopping) {
        try {
          await this.checkpoints.ensureRow(key);
          if (!(await this.checkpoints.takeLease(key, owner, imap.leaseSeconds))) {
            if (!standby) return;
            if (this.health.lease !== 'standby') this.logger.log(`${imap.mailbox} is read by another instance; standing by`);
            this.health = { ...this.health, status: 'up', connected: false, lease: 'standby', backlog: null, last_error: null };
            failures = 0;
            await this.sleep.sleep(leaseRetryMs);
            continue;
          }
          this.health.lease = 'held';
          await this.readWhileLeased(imap, key, () => {
            failures = 0;
            this.freshTokenTried = false;
          });
          if (!standby && !this.stopping) return; // the lease was lost
        } catch (error) {
          if (this.abandoning) return;
          failures += 1;
          const delay = backoffDelayMs(failures);
          const description = describeReaderFailure(error, imap, this.target);
          this.logger.error(`${description}; retry ${failures} in ${(delay / 1000).toFixed(1)} s`);
          this.health = { ...this.health, status: 'down', connected: false, last_error: description };
          this.authenticationFailed = Boolean((error as { authenticationFailed?: boolean } | null)?.authenticationFailed);
          // An access token can be refused before its time (revoked, or the server's clock): one more try with a new one.
          if (this.authenticationFailed && this.target.accessToken && !(error instanceof CredentialsRefused) && !this.freshTokenTried) {
            this.freshTokenTried = true;
            this.authenticationFailed = false;
            continue;
          }
          if (standby || this.authenticationFailed) {
            // Hand the mailbox to an instance that may reach it while this one cannot.
            await this.checkpoints.releaseLease(key, owner).catch(() => undefined);
            this.health.lease = null;
          }
          if (!standby && this.authenticationFailed) return;
          await this.sleep.sleep(delay);
        }
      }
    } finally {
      this.done = true;
      if (!this.abandoning) {
        await this.checkpoints.releaseLease(key, owner).catch((error) => this.logger.warn(`could not release the lease on ${imap.mailbox}: ${(error as Error).message}`));
      }
    }
  }

  private async readWhileLeased(imap: ImapConfig, key: string, connected: () => void): Promise<void> {
    const owner = this.config.instanceId;
    const client = new ImapFlow(await readerClientOptions(imap, this.target, this.freshTokenTried));
    this.client = client;
    const session: ReadingSession = { client, uidValidity: '', lastUid: 0, leaseHeld: true, newMail: false };
    // Without a listener an 'error' event would crash the process; the failed command reports it.
    client.on('error', (error: Error) => this.logger.debug(`imapflow: ${error.message}`));
    client.on('close', () => this.sleep.wake());
    client.on('exists', () => {
      session.newMail = true;
      this.sleep.wake();
    });
    let renewing: Promise<void> = Promise.resolve();
    const renewal = setInterval(() => {
      renewing = this.checkpoints
        .takeLease(key, owner, imap.leaseSeconds)
        .then((held) => {
          if (!held) this.loseLease(session, `another instance took over ${imap.mailbox}`);
        })
        .catch((error) => this.loseLease(session, `could not renew the lease on ${imap.mailbox}: ${(error as Error).message}`));
    }, (imap.leaseSeconds * 1000) / 3);
    try {
      try {
        await client.connect();
      } catch (error) {
        client.close(); // or the half-open client keeps the process alive
        throw error;
      }
      for (const folder of [imap.processedFolder, imap.failedFolder]) await client.mailboxCreate(folder);
      const mailbox = await client.mailboxOpen(imap.mailbox);
      const decision = resumeDecision(await this.checkpoints.progress(key), mailbox.uidValidity);
      if (decision.kind === 'uidvalidity-changed') {
        this.logger.warn(
          `UIDVALIDITY of ${imap.mailbox} changed from ${decision.previousUidValidity} to ${decision.uidValidity}: reading the whole mailbox again (already filed messages come back as duplicates)`,
        );
      }
      session.uidValidity = decision.uidValidity;
      session.lastUid = decision.lastUid;
      if (decision.kind !== 'resume' && !(await this.checkpoints.saveProgress(key, owner, decision))) {
        this.loseLease(session, `another instance took over ${imap.mailbox}`);
      }
      const idle = client.capabilities.has('IDLE');
      this.logger.log(`reading ${imap.mailbox} on ${imap.host}:${imap.port} as ${imap.username} (${idle ? 'IDLE' : `polling every ${this.config.pollIntervalSeconds} s`})`);
      this.health = { ...this.health, status: 'up', connected: true, last_error: null };
      connected();

      await this.drain(session, imap, key, 'whole mailbox');
      let lastWholePass = Date.now();
      while (!this.stopping && session.leaseHeld) {
        if (!client.usable) throw new ConnectionClosed(`the IMAP server closed the connection (${imap.host}:${imap.port})`);
        const wholePassDue = Date.now() - lastWholePass >= WHOLE_MAILBOX_PASS_MS;
        if (session.newMail || wholePassDue) {
          session.newMail = false;
          await this.drain(session, imap, key, wholePassDue ? 'whole mailbox' : 'new mail');
          if (wholePassDue) lastWholePass = Date.now();
          continue;
        }
        // The next command ends IDLE by itself; awaiting idle() here would never return.
        if (idle) void client.idle().catch(() => undefined);
        await this.sleep.sleep(this.config.pollIntervalSeconds * 1000);
        if (this.stopping || !session.leaseHeld || !client.usable || session.newMail) continue;
        // Nothing woke the reader for a whole interval: poll.
        if (await this.uidValidityChanged(session, imap)) return; // the next session selects the mailbox afresh
        await this.drain(session, imap, key, 'new mail');
      }
    } finally {
      clearInterval(renewal);
      await renewing; // a renewal finishing after the release would take the lease again
      this.client = null;
      this.health.connected = false;
      if (client.usable) await client.logout().catch(() => client.close());
      else client.close();
    }
  }

  /**
   * Ingests the messages after the session's last UID (or all of them) batch by batch, in UID
   * order batch after batch. The next batch is fetched, and the previous one acknowledged, while
   * a batch is being ingested: at most two batches are in memory.
   */
  private async drain(session: ReadingSession, imap: ImapConfig, key: string, scope: 'whole mailbox' | 'new mail'): Promise<void> {
    const { client } = session;
    const found = await client.search(scope === 'whole mailbox' ? { all: true } : { uid: `${session.lastUid + 1}:*` }, { uid: true });
    const uids = newerThan((found || []).map((uid) => ({ uid })), scope === 'whole mailbox' ? 0 : session.lastUid).map((m) => m.uid);
    if (uids.length > 0) this.logger[scope === 'whole mailbox' ? 'log' : 'debug'](`${uids.length} message(s) in ${imap.mailbox} to file (${scope})`);
    const batches = this.plannedBatches(client, uids);
    const fetchNext = async (): Promise<FetchedMessage[] | null> => {
      const next = await batches.next();
      if (next.done) return null;
      const source = next.value.maxBytes === null ? true : { start: 0, maxLength: next.value.maxBytes };
      const query = { uid: true, source, envelope: true, headers: ['references'] };
      return (await client.fetchAll(uidSet(next.value.uids), query, { uid: true })).sort((a, b) => a.uid - b.uid);
    };
    let fetching = fetchNext();
    let acknowledging: Promise<void> = Promise.resolve();
    try {
      while (this.keepReading(session)) {
        const messages = await fetching;
        if (!messages) break;
        fetching = fetchNext();
        fetching.catch(() => undefined); // settled in `finally` when the loop ends early
        const outcome = await this.ingestBatch(session, imap, messages);
        await acknowledging;
        acknowledging = this.acknowledgeBatch(session, imap, key, outcome);
        if (outcome.interruption) throw outcome.interruption;
      }
    } finally {
      await acknowledging;
      await fetching.catch(() => undefined);
    }
    this.health = { ...this.health, last_success_at: new Date(), backlog: client.mailbox ? client.mailbox.exists : null };
  }

  /** The FETCH batches for the given UIDs, planned from their sizes one listing window at a time. */
  private async *plannedBatches(client: ImapFlow, uids: number[]): AsyncGenerator<FetchBatch> {
    for (let start = 0; start < uids.length; start += LISTING_WINDOW) {
      const listed = await client.fetchAll(uidSet(uids.slice(start, start + LISTING_WINDOW)), { uid: true, size: true }, { uid: true });
      yield* planFetchBatches(
        listed.map((m) => ({ uid: m.uid, size: m.size ?? 0 })),
        { maxMessages: FETCH_MAX_MESSAGES, maxBytes: FETCH_MAX_BYTES, messageLimit: this.config.inboundMaxBytes },
      );
    }
  }

  /**
   * Ingests a batch in up to INGEST_LANES lanes side by side; within a lane (one sender, or a
   * message and the replies to it) strictly in UID order. The checkpoint may move only up to the
   * first message not yet handled.
   */
  private async ingestBatch(session: ReadingSession, imap: ImapConfig, messages: FetchedMessage[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { processed: [], failed: [], lastUid: session.lastUid, interruption: null };
    const present = new Map(messages.filter((m) => m.source).map((m) => [m.uid, m]));
    const handled = new Set(messages.filter((m) => !m.source).map((m) => m.uid)); // expunged since they were listed
    const lanes = planIngestLanes([...present.values()].map(laneOf));
    const ingestLanes = async () => {
      for (let lane = lanes.shift(); lane; lane = lanes.shift()) {
        for (const uid of lane) {
          if (outcome.interruption || this.stopping) return;
          try {
            const report = await this.ingest.ingest(
              present.get(uid)!.source!,
              { source: 'imap', ref: `${this.target.label} uidvalidity ${session.uidValidity} uid ${uid}` },
              this.target.ingestOptions,
            );
            (report.failed ? outcome.failed : outcome.processed).push(uid);
          } catch (error) {
            if (keepAtSource(error)) {
              outcome.interruption ??= error; // what is not filed yet stays in the mailbox until the database is back
              return;
            }
            // Not the pipeline's "try later": set this one aside (it stays in the mailbox and is read
            // again at the next whole-mailbox pass) so that it does not hold up the others.
            this.logger.error(`could not file UID ${uid} of ${imap.mailbox}: ${(error as Error).message}`);
            this.health.last_error = `UID ${uid}: ${(error as Error).message}`;
          }
          handled.add(uid);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(INGEST_LANES, lanes.length) }, ingestLanes));
    outcome.lastUid = session.lastUid = handledPrefix(messages.map((m) => m.uid), handled, session.lastUid);
    return outcome;
  }

  /** After the commit: the checkpoint, then \Seen and the move to Processed or Failed. */
  private async acknowledgeBatch(session: ReadingSession, imap: ImapConfig, key: string, outcome: BatchOutcome): Promise<void> {
    if (outcome.processed.length + outcome.failed.length === 0) return;
    const saved = await this.checkpoints.saveProgress(key, this.config.instanceId, { uidValidity: session.uidValidity, lastUid: outcome.lastUid });
    if (!saved) this.loseLease(session, `another instance took over ${imap.mailbox}`);
    // Committed messages are acknowledged even when the lease was just lost: moving them twice is harmless.
    await this.acknowledge(session.client, outcome.processed, imap.processedFolder);
    await this.acknowledge(session.client, outcome.failed, imap.failedFolder);
    this.health.last_success_at = new Date();
    if (session.client.mailbox) this.health.backlog = session.client.mailbox.exists;
  }

  private async acknowledge(client: ImapFlow, uids: number[], folder: string): Promise<void> {
    if (uids.length === 0) return;
    const set = uidSet(uids);
    await client.messageFlagsAdd(set, ['\\Seen'], { uid: true });
    if (!(await client.messageMove(set, folder, { uid: true }))) {
      // They stay in the mailbox and are read again (as duplicates) at the next connect.
      this.logger.warn(`could not move UIDs ${set} to ${folder}; they stay in the mailbox and are acknowledged at the next connect`);
    }
  }

  /**
   * A mailbox deleted and re-created under the reader (a restore, an index rebuild) gets a new
   * UIDVALIDITY. Dovecot usually disconnects the reader then, but not always: when the new
   * folder appears quickly it answers "NO Internal error" and leaves the session on the old
   * one, where IDLE never reports anything again. A STATUS per poll notices.
   */
  private async uidValidityChanged(session: ReadingSession, imap: ImapConfig): Promise<boolean> {
    const status = await session.client.status(imap.mailbox, { uidValidity: true });
    if (!status || status.uidValidity === undefined || String(status.uidValidity) === session.uidValidity) return false;
    this.logger.warn(`UIDVALIDITY of ${imap.mailbox} is now ${status.uidValidity} (was ${session.uidValidity}): selecting it again`);
    return true;
  }

  private keepReading(session: ReadingSession): boolean {
    return !this.stopping && session.leaseHeld && session.client.usable;
  }

  private loseLease(session: ReadingSession, reason: string): void {
    if (!session.leaseHeld) return;
    session.leaseHeld = false;
    this.health.lease = null;
    this.logger.warn(`${reason}; stopping to read`);
    this.sleep.wake();
  }
}
