import { AddressRoute, IngestRoutesRepository, TenantRoute } from './ingest-routes.repository';
import { parseMessage } from '../mail/parse-message';
import { recipientsFromRawHeaders, routeToTenants } from './recipient-routing';
import { asTenantId } from '../common/tenant-id';

const route = (tenantId: number): TenantRoute => ({ tenantId: asTenantId(tenantId), tier: 'free', status: 'active', inboundAddress: `tenant-${tenantId}@mail.example.com`, autoAcknowledge: false });

/** Tenant 1 and 2 have inbound addresses; tenant 3 verified own.example (unverified claims never reach the repository's answer). */
const repo = {
  routesByInboundAddresses: async (addresses: string[]): Promise<AddressRoute[]> =>
    addresses.flatMap((address) => {
      const match = /^tenant-(\d)@mail\.example\.com$/.exec(address);
      return match ? [{ ...route(Number(match[1])), address }] : [];
    }),
  routesByVerifiedDomains: async (domains: string[]) => domains.flatMap((domain) => (domain === 'own.example' ? [{ ...route(3), domain }] : [])),
} as unknown as IngestRoutesRepository;

const routed = async (lines: string[]) =>
  (await routeToTenants(await parseMessage(Buffer.from([...lines, '', 'Hello'].join('\r\n'))), repo, 'mail.example.com')).map((r) => [r.tenantId, r.recipient]);

describe('routeToTenants', () => {
  it.each<[string, string[], (number | string)[][]]>([
    ['the envelope alone decides when it names a tenant', ['Delivered-To: tenant-1@mail.example.com', 'To: tenant-2@mail.example.com', 'Cc: x@own.example'], [[1, 'tenant-1@mail.example.com']]],
    ['an envelope naming none of ours falls back to To and Cc', ['Delivered-To: catchall@mail.example.com', 'To: tenant-2@mail.example.com'], [[2, 'tenant-2@mail.example.com']]],
    ['a Delivered-To below Received routes nothing', ['Received: by mx', 'Delivered-To: tenant-1@mail.example.com', 'To: tenant-2@mail.example.com'], [[2, 'tenant-2@mail.example.com']]],
    ['To and Cc route each tenant once, inbound addresses before domains', ['To: tenant-1@mail.example.com, a@own.example', 'Cc: tenant-1+t5.x@mail.example.com'], [[1, 'tenant-1@mail.example.com'], [3, 'a@own.example']]],
    ['an unverified or foreign domain routes nothing', ['To: a@claimed.example, b@gmail.com'], []],
    ['the shared domain is never looked up as an own domain', ['To: nobody@mail.example.com'], []],
  ])('%s', async (_, lines, expected) => {
    expect(await routed(lines)).toEqual(expected);
  });
});

describe('recipientsFromRawHeaders', () => {
  it('keeps the envelope above the first Received apart from To and Cc, folded lines included', () => {
    const raw = Buffer.from(
      ['Delivered-To: Tenant-1+t9.abc@mail.example.com', 'Received: from mx', 'Delivered-To: forged@mail.example.com', 'To: a@example.org,', ' tenant-2@mail.example.com', 'Cc: c@example.org', '', 'To: body@example.org'].join('\r\n'),
    );
    expect(recipientsFromRawHeaders(raw)).toEqual({
      envelope: ['tenant-1@mail.example.com'],
      written: ['a@example.org', 'tenant-2@mail.example.com', 'c@example.org'],
    });
  });
});
