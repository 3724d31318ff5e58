export interface DeclaredMetric {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  labelNames: readonly string[];
  buckets?: readonly number[];
}

/**
 * The service's own series, beside prom-client's default process metrics. No tenant label
 * anywhere: the number of tenants is unbounded, and each label value is a series kept forever.
 */
export const DECLARED_METRICS: readonly DeclaredMetric[] = [
  { name: 'inbound_ingest_total', type: 'counter', labelNames: ['source', 'outcome'], help: 'Messages ingested, by source and outcome' },
  {
    name: 'inbound_ingest_seconds',
    type: 'histogram',
    labelNames: [],
    help: 'Time the ingest pipeline took per raw message (store, parse, decide, commit)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  },
  {
    name: 'inbound_ingest_bytes',
    type: 'histogram',
    labelNames: [],
    help: 'Size of the raw messages ingested',
    buckets: [1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864],
  },
  { name: 'inbound_source_connected', type: 'gauge', labelNames: ['source'], help: 'Whether a mail source is connected (1) or not (0)' },
  { name: 'inbound_source_backlog', type: 'gauge', labelNames: ['source'], help: 'Messages waiting at a mail source' },
  {
    name: 'inbound_source_last_success_timestamp_seconds',
    type: 'gauge',
    labelNames: ['source'],
    help: 'When a mail source last filed a message or found nothing to file (Unix time); the lag is time() minus this',
  },
  { name: 'inbound_tenant_mailboxes', type: 'gauge', labelNames: ['state'], help: 'Tenants’ own mailboxes by state (connected, backing_off, needs_reauthorization, disabled, connecting), all tenants' },
  { name: 'inbound_tenant_mailboxes_read', type: 'gauge', labelNames: [], help: 'Tenant mailboxes this instance reads (holds the lease of)' },
  { name: 'inbound_tenant_mailboxes_unassigned', type: 'gauge', labelNames: [], help: 'Tenant mailboxes to read that no instance holds (every instance at TENANT_MAILBOX_MAX_CONNECTIONS)' },
  { name: 'inbound_outbox_entries', type: 'gauge', labelNames: ['state'], help: 'Outbox entries waiting (queued) or being sent (sending), all tenants' },
  { name: 'inbound_outbox_deliveries_total', type: 'counter', labelNames: ['outcome'], help: 'Delivery attempts by this instance: sent, retry (rescheduled) or failed (given up)' },
  { name: 'inbound_live_clients', type: 'gauge', labelNames: [], help: 'Live-update streams (GET /api/events) open on this instance' },
  { name: 'inbound_storage_writable', type: 'gauge', labelNames: [], help: 'Whether DATA_DIR takes new mail (1) or not (0)' },
  { name: 'inbound_storage_free_bytes', type: 'gauge', labelNames: [], help: 'Free bytes in DATA_DIR' },
  {
    name: 'inbound_tenants_at_limit',
    type: 'gauge',
    labelNames: ['limit', 'threshold'],
    help: 'Active tenants at or above 80% (threshold="80") or at 100% (threshold="100") of a limit (max_users, max_domains, max_storage_mb, max_messages_per_day)',
  },
  {
    name: 'inbound_storage_errors_total',
    type: 'counter',
    labelNames: ['error'],
    help: 'Messages refused because the raw message or an attachment could not be stored (disk or bucket), by error code',
  },
  {
    name: 'inbound_limit_hits_total',
    type: 'counter',
    labelNames: ['limit'],
    help: 'Mail held or refused by a limit: held by daily_messages, storage or sender_throttle (per tenant and message), refused by webhook_in_flight (WEBHOOK_MAX_IN_FLIGHT)',
  },
];
