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
});
