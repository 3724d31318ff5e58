// The series the InboundLimitHits alert reads (docker/prometheus/alerts.yml): a tier's daily
// message limit counts the mail it holds, the webhook's in-flight limit its refusals.
import { DataSource } from 'typeorm';
import { buildMail, postSigned } from '../support/mail';
import { createTenantWithTokens, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(60_000);

const limitHits = async (t: TestApp, limit: string) => {
  const text = (await t.http().get('/metrics').expect(200)).text;
  return Number(new RegExp(`^inbound_limit_hits_total\\{limit="${limit}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
};

describe('inbound_limit_hits_total', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { WEBHOOK_MAX_IN_FLIGHT: '1' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts mail held by the tier’s daily limit', async () => {
    const tenant = await createTenantWithTokens(t, 'Free tier');
    // Today's count as the limit sees it, without posting 100 messages first.
    const day = new Date().toISOString().slice(0, 10);
    await t.app.get(DataSource).query('INSERT INTO tenant_usage (tenant_id, day, messages_in) VALUES (?, ?, 100)', [tenant.id, day]);
    const held = await postSigned(t, buildMail({ to: tenant.inboundAddress })).expect(200);
    expect(held.body.outcome).toBe('held');
    expect(await limitHits(t, 'daily_messages')).toBe(1);
  });

  it('counts webhook bodies refused above WEBHOOK_MAX_IN_FLIGHT', async () => {
    const tenant = await createTenantWithTokens(t, 'Busy', { tier: 'enterprise' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => postSigned(t, buildMail({ to: tenant.inboundAddress }))));
    const busy = answers.filter((r) => r.status === 503).length;
    expect(busy).toBeGreaterThan(0);
    expect(await limitHits(t, 'webhook_in_flight')).toBe(busy);
  });
});
