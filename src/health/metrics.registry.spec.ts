import { MetricsRegistry } from './metrics.registry';

describe('MetricsRegistry', () => {
  it('renders counters and gauges in the Prometheus text format', async () => {
    const m = new MetricsRegistry();
    m.increment('inbound_ingest_total', 'Messages ingested', { outcome: 'created', source: 'webhook' });
    m.increment('inbound_ingest_total', 'Messages ingested', { outcome: 'created', source: 'webhook' });
    m.increment('inbound_ingest_total', 'Messages ingested', { outcome: 'duplicate', source: 'imap' });
    m.addCollector(() => m.set('inbound_up', 'Up', {}, 1));
    const text = await m.render();
    expect(text).toContain('# TYPE inbound_ingest_total counter');
    expect(text).toContain('inbound_ingest_total{outcome="created",source="webhook"} 2');
    expect(text).toContain('inbound_ingest_total{outcome="duplicate",source="imap"} 1');
    expect(text).toContain('inbound_up 1');
  });

  it('escapes label values', async () => {
    const m = new MetricsRegistry();
    m.increment('x_total', 'x', { reason: 'a "quoted"\nline' });
    expect(await m.render()).toContain('x_total{reason="a \\"quoted\\"\\nline"} 1');
  });

  it("is prom-client's registry: default process metrics and its content type", async () => {
    const m = new MetricsRegistry();
    const text = await m.render();
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    expect(m.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('observes the pipeline duration and size as histograms (callers adding to the _sum observe)', async () => {
    const m = new MetricsRegistry();
    m.increment('inbound_ingest_seconds_sum', 'Time spent ingesting messages', {}, 0.02);
    m.increment('inbound_ingest_seconds_sum', 'Time spent ingesting messages', {}, 3);
    m.increment('inbound_ingest_bytes_sum', 'Bytes of raw messages ingested', {}, 5000);
    const text = await m.render();
    expect(text).toContain('# TYPE inbound_ingest_seconds histogram');
    expect(text).toContain('inbound_ingest_seconds_bucket{le="0.025"} 1');
    expect(text).toContain('inbound_ingest_seconds_bucket{le="+Inf"} 2');
    expect(text).toContain('inbound_ingest_seconds_sum 3.02');
    expect(text).toContain('inbound_ingest_seconds_count 2');
    expect(text).toContain('inbound_ingest_bytes_sum 5000');
    expect(text).toContain('inbound_ingest_bytes_bucket{le="16384"} 1');
  });

  it('declares the service’s series with their types up front', async () => {
    const text = await new MetricsRegistry().render();
    for (const [name, type] of [
      ['inbound_ingest_total', 'counter'],
      ['inbound_source_connected', 'gauge'],
      ['inbound_source_backlog', 'gauge'],
      ['inbound_outbox_entries', 'gauge'],
      ['inbound_outbox_deliveries_total', 'counter'],
      ['inbound_storage_writable', 'gauge'],
      ['inbound_storage_free_bytes', 'gauge'],
    ]) {
      expect(text).toContain(`# TYPE ${name} ${type}`);
    }
    expect(text).not.toMatch(/tenant\w*="/);
  });

  it('drops a gauge that is unknown instead of showing 0', async () => {
    const m = new MetricsRegistry();
    m.set('inbound_storage_free_bytes', 'Free bytes', {}, 123);
    expect(await m.render()).toContain('inbound_storage_free_bytes 123');
    m.unset('inbound_storage_free_bytes');
    expect(await m.render()).not.toMatch(/^inbound_storage_free_bytes /m);
  });

  it('keeps one registry per instance, so that two applications in one process do not collide', async () => {
    const a = new MetricsRegistry();
    const b = new MetricsRegistry();
    a.increment('inbound_ingest_total', 'Messages ingested', { source: 'webhook', outcome: 'created' });
    expect(await a.render()).toContain('inbound_ingest_total{source="webhook",outcome="created"} 1');
    expect(await b.render()).not.toContain('inbound_ingest_total{source="webhook"');
  });
});
