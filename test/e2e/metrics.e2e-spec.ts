import { buildMail, postSigned } from '../support/mail';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

describe.each(ENGINES)('/metrics on %s', (engine) => {
  let t: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    t = await startTestApp(engine);
    // A second application in the same process: its own registry, no clash of metric names.
    second = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.close();
    await second?.close();
  });

  it("answers prom-client's text format: process metrics and the service's own series", async () => {
    const acme = await createTenantWithTokens(t, 'Acme');
    const raw = buildMail({ to: acme.inboundAddress, subject: 'Printer on fire', messageId: '<metrics-1@example.com>' });
    await postSigned(t, raw).expect(200);
    await postSigned(t, raw).expect(200);

    const res = await t.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = res.text;
    expect(text).toContain('# TYPE process_resident_memory_bytes gauge');
    expect(text).toContain('inbound_ingest_total{source="webhook",outcome="created"} 1');
    expect(text).toContain('inbound_ingest_total{source="webhook",outcome="duplicate"} 1');
    expect(text).toContain('# TYPE inbound_ingest_seconds histogram');
    expect(text).toContain('inbound_ingest_seconds_count 2');
    expect(text).toContain(`inbound_ingest_bytes_sum ${2 * raw.length}`);
    expect(text).toMatch(/^inbound_outbox_entries{state="queued"} \d+$/m);
    expect(text).toMatch(/^inbound_outbox_entries{state="sending"} \d+$/m);
    expect(text).toContain('inbound_storage_writable 1');
    expect(text).toMatch(/^inbound_storage_free_bytes \d+$/m);
    expect(text).not.toMatch(/tenant\w*="/);

    const other = await second.http().get('/metrics').expect(200);
    expect(other.text).not.toContain('inbound_ingest_total{');
  });
});
