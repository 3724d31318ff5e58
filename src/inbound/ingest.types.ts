import { IngestOutcome, IngestSource } from './email-processing-log.entity';

/** Where a raw message came from, so that its log row can say so and a source can be acknowledged. */
export interface IngestSourceRef {
  source: IngestSource;
  /** e.g. "INBOX uidvalidity 7 uid 42", a Maildir file name, a webhook request id. */
  ref: string | null;
}

/** The result for one tenant the message was addressed to. */
export interface TenantIngestResult {
  outcome: IngestOutcome;
  tenantId: number | null;
  ticketId: number | null;
  ticketNumber: number | null;
  ticketMessageId: number | null;
  logId: number;
  reason: string | null;
}

/**
 * What `IngestService.ingest` returns once everything is committed. A source acknowledges the
 * message (IMAP move, Maildir rename, HTTP 2xx) only when it has this report; when `ingest`
 * throws (database unavailable), the source keeps the message and tries again later.
 */
export interface IngestReport {
  rawSha256: string;
  results: TenantIngestResult[];
  /** True when every result ended `failed`: sources file such a message under "Failed". */
  failed: boolean;
}
