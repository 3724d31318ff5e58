import { DnsLookup } from '../../src/tenants/dns-lookup';
import { createTenantWithTokens, startTestApp, TestApp } from '../support/test-app';

/** The DNS check answers from a table: tests never reach the internet. */
function tableResolver(table: { mx?: Record<string, { exchange: string; priority: number }[]>; txt?: Record<string, string[][]> }) {
  const notFound = (name: string) => Object.assign(new Error(`queryX ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  return {
    resolve4: async (name: string) => Promise.reject(notFound(name)),
    resolveMx: async (name: string) => table.mx?.[name] ?? Promise.reject(notFound(name)),
    resolveTxt: async (name: string) => table.txt?.[name] ?? Promise.reject(notFound(name)),
  };
}

describe('DNS records of a tenant domain', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('sqlite', { DOCKER_MAIL_HOSTNAME: 'mx.mail.test' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('prints the records and says which are missing', async () => {
    const tenant = await createTenantWithTokens(t, 'Dns Co', { tier: 'professional', domain: 'dnsco.example' });
    t.app.get(DnsLookup).resolver = tableResolver({
      mx: { 'dnsco.example': [{ exchange: 'mx.mail.test', priority: 10 }] },
      txt: { 'dnsco.example': [['v=spf1 mx -all']] },
    });
    const plain = await t.http().get(`/api/tenants/${tenant.id}/dns-records`).set(tenant.admin).expect(200);
    expect(plain.body.mail_server).toBe('mx.mail.test');
    const records = plain.body.data[0].records;
    expect(records.find((r: { kind: string }) => r.kind === 'mx')).toMatchObject({ type: 'MX', name: 'dnsco.example', value: 'mx.mail.test', priority: 10 });
    expect(records.map((r: { kind: string }) => r.kind)).toEqual(expect.arrayContaining(['mx', 'spf', 'dkim', 'dmarc']));
    expect(records[0]).not.toHaveProperty('status');

    const checked = await t.http().get(`/api/tenants/${tenant.id}/dns-records?check=true`).set(tenant.admin).expect(200);
    const byKind = Object.fromEntries(checked.body.data[0].records.map((r: { kind: string; status: string }) => [r.kind, r.status]));
    expect(byKind.mx).toBe('ok');
    expect(byKind.dmarc).toBe('missing');
    expect(checked.body.data[0].verified_at).toBeNull();
  });

  it('keeps other tenants out and validates the query', async () => {
    const a = await createTenantWithTokens(t, 'Dns A', { tier: 'professional', domain: 'dns-a.example' });
    const b = await createTenantWithTokens(t, 'Dns B', { tier: 'professional', domain: 'dns-b.example' });
    await t.http().get(`/api/tenants/${b.id}/dns-records`).set(a.admin).expect(404);
    await t.http().get(`/api/tenants/${a.id}/dns-records?check=maybe`).set(a.admin).expect(400);
  });
});
