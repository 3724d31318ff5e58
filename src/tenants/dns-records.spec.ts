import { DomainError } from '../common/domain-error';
import { checkDnsRecords, DnsRecord, DnsRecordKind, DnsResolver, requiredDnsRecords } from './dns-records';

const DOMAIN = 'help.acme.com';
const MAIL_HOST = 'mail.example.com';
const KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAq8v3tJ2QIDAQAB';

type Zone = Record<string, { A?: string[]; MX?: { exchange: string; priority: number }[]; TXT?: string[][] }>;

function dnsError(code: string): Error {
  return Object.assign(new Error(`query failed: ${code}`), { code });
}

/** Answers like node:dns/promises: ENOTFOUND for an unknown name, ENODATA for a known name without that type. */
function fakeResolver(zone: Zone, failing: Record<string, string> = {}): DnsResolver & { asked: string[] } {
  const asked: string[] = [];
  const answer = async <K extends 'A' | 'MX' | 'TXT'>(name: string, type: K) => {
    asked.push(`${type} ${name}`);
    if (failing[name]) throw dnsError(failing[name]);
    const node = zone[name];
    if (!node) throw dnsError('ENOTFOUND');
    const records = node[type];
    if (!records || records.length === 0) throw dnsError('ENODATA');
    return records as NonNullable<Zone[string][K]>;
  };
  return {
    asked,
    resolve4: (name) => answer(name, 'A'),
    resolveMx: (name) => answer(name, 'MX'),
    resolveTxt: (name) => answer(name, 'TXT'),
  };
}

const records = (extra: Partial<Parameters<typeof requiredDnsRecords>[0]> = {}) =>
  requiredDnsRecords({ domain: DOMAIN, mailHost: MAIL_HOST, mailHostIpv4: '203.0.113.25', dkimPublicKey: KEY, ...extra });

/** A zone in which every required record is published correctly. */
function goodZone(): Zone {
  return {
    [MAIL_HOST]: { A: ['203.0.113.25'] },
    [DOMAIN]: {
      MX: [{ exchange: MAIL_HOST, priority: 10 }],
      TXT: [['v=spf1 mx ~all'], ['google-site-verification=abc']],
    },
    [`dkim._domainkey.${DOMAIN}`]: { TXT: [['v=DKIM1; k=rsa; ', `p=${KEY}`]] },
    [`_dmarc.${DOMAIN}`]: { TXT: [['v=DMARC1; p=quarantine']] },
  };
}

async function statusOf(kind: DnsRecordKind, zone: Zone, recs: DnsRecord[] = records(), failing: Record<string, string> = {}) {
  const results = await checkDnsRecords(recs, fakeResolver(zone, failing));
  const found = results.find((r) => r.record.kind === kind);
  if (!found) throw new Error(`no ${kind} result`);
  return found;
}

describe('requiredDnsRecords', () => {
  it('lists MX, A, SPF, DKIM and DMARC for the tenant domain', () => {
    expect(records()).toEqual([
      expect.objectContaining({ kind: 'mx', type: 'MX', name: DOMAIN, value: MAIL_HOST, priority: 10 }),
      expect.objectContaining({ kind: 'a', type: 'A', name: MAIL_HOST, value: '203.0.113.25' }),
      expect.objectContaining({ kind: 'spf', type: 'TXT', name: DOMAIN, value: 'v=spf1 mx ~all' }),
      expect.objectContaining({ kind: 'dkim', type: 'TXT', name: `dkim._domainkey.${DOMAIN}`, value: `v=DKIM1; k=rsa; p=${KEY}` }),
      expect.objectContaining({ kind: 'dmarc', type: 'TXT', name: `_dmarc.${DOMAIN}`, value: 'v=DMARC1; p=quarantine' }),
    ]);
    for (const record of records()) expect(record.purpose.length).toBeGreaterThan(20);
  });

  it('normalises names: case and the trailing dot', () => {
    const [mx] = requiredDnsRecords({ domain: 'Help.ACME.com.', mailHost: 'MAIL.example.com.' });
    expect(mx).toMatchObject({ name: DOMAIN, value: MAIL_HOST });
  });

  it('adds the SPF include of the tenant SMTP provider, with or without "include:"', () => {
    for (const spfInclude of ['_spf.google.com', 'include:_spf.google.com']) {
      const spf = records({ spfInclude }).find((r) => r.kind === 'spf');
      expect(spf?.value).toBe('v=spf1 mx include:_spf.google.com ~all');
    }
  });

  it('accepts the DKIM key as PEM or as a pasted record and uses the given selector', () => {
    const pem = `-----BEGIN PUBLIC KEY-----\n${KEY.slice(0, 20)}\n${KEY.slice(20)}\n-----END PUBLIC KEY-----\n`;
    const fromPem = records({ dkimPublicKey: pem, dkimSelector: 'mailu' }).find((r) => r.kind === 'dkim');
    expect(fromPem).toMatchObject({ name: `mailu._domainkey.${DOMAIN}`, value: `v=DKIM1; k=rsa; p=${KEY}` });
    const fromRecord = records({ dkimPublicKey: `v=DKIM1; k=rsa; p=${KEY}` }).find((r) => r.kind === 'dkim');
    expect(fromRecord?.value).toBe(`v=DKIM1; k=rsa; p=${KEY}`);
  });

  it('leaves the DKIM value and the A address open when they are not known', () => {
    const recs = requiredDnsRecords({ domain: DOMAIN, mailHost: MAIL_HOST });
    expect(recs.find((r) => r.kind === 'dkim')?.value).toBeNull();
    expect(recs.find((r) => r.kind === 'a')?.value).toBeNull();
  });

  it('adds the DMARC report address', () => {
    expect(records({ dmarcReportAddress: 'dmarc@acme.com' }).find((r) => r.kind === 'dmarc')?.value).toBe(
      'v=DMARC1; p=quarantine; rua=mailto:dmarc@acme.com',
    );
  });

  it.each([
    [{ domain: 'localhost' }, /domain/],
    [{ domain: 'acme .com' }, /domain/],
    [{ mailHost: '' }, /mailHost/],
    [{ mailHostIpv4: '203.0.113.300' }, /mailHostIpv4/],
    [{ dkimPublicKey: 'not base64!' }, /dkimPublicKey/],
    [{ dkimSelector: 'bad selector' }, /dkimSelector/],
    [{ spfInclude: 'include:' }, /spfInclude/],
    [{ dmarcReportAddress: 'a@b; p=none' }, /dmarcReportAddress/],
  ])('refuses %j with a bad_request naming the field', (override, field) => {
    const call = () => requiredDnsRecords({ domain: DOMAIN, mailHost: MAIL_HOST, ...override });
    expect(call).toThrow(DomainError);
    expect(call).toThrow(field);
    try {
      call();
    } catch (error) {
      expect((error as DomainError).code).toBe('bad_request');
    }
  });
});

describe('checkDnsRecords', () => {
  it('reports every record ok on a correct zone, in the order given', async () => {
    const results = await checkDnsRecords(records(), fakeResolver(goodZone()));
    expect(results.map((r) => [r.record.kind, r.status])).toEqual([
      ['mx', 'ok'],
      ['a', 'ok'],
      ['spf', 'ok'],
      ['dkim', 'ok'],
      ['dmarc', 'ok'],
    ]);
    expect(results.find((r) => r.record.kind === 'dkim')?.found).toEqual([`v=DKIM1; k=rsa; p=${KEY}`]);
    // Unrelated TXT records at the same name are not reported as SPF.
    expect(results.find((r) => r.record.kind === 'spf')?.found).toEqual(['v=spf1 mx ~all']);
  });

  it('reports every record missing on an empty zone', async () => {
    const results = await checkDnsRecords(records(), fakeResolver({}));
    expect(results.map((r) => r.status)).toEqual(['missing', 'missing', 'missing', 'missing', 'missing']);
    for (const r of results) expect(r.found).toEqual([]);
  });

  it('asks the resolver for each record by its own name and type', async () => {
    const resolver = fakeResolver(goodZone());
    await checkDnsRecords(records(), resolver);
    expect(resolver.asked.sort()).toEqual(
      [`MX ${DOMAIN}`, `A ${MAIL_HOST}`, `TXT ${DOMAIN}`, `TXT dkim._domainkey.${DOMAIN}`, `TXT _dmarc.${DOMAIN}`].sort(),
    );
  });

  describe('MX', () => {
    it.each([
      ['points elsewhere', [{ exchange: 'aspmx.l.google.com', priority: 1 }], 'mismatch', ['1 aspmx.l.google.com']],
      ['is ours with a trailing dot and upper case', [{ exchange: 'MAIL.example.com.', priority: 10 }], 'ok', ['10 mail.example.com']],
      [
        'has another host preferred over ours',
        [
          { exchange: MAIL_HOST, priority: 20 },
          { exchange: 'mx.other.net', priority: 5 },
        ],
        'mismatch',
        ['5 mx.other.net', '20 mail.example.com'],
      ],
      [
        'has ours first and a backup',
        [
          { exchange: 'backup.example.net', priority: 50 },
          { exchange: MAIL_HOST, priority: 10 },
        ],
        'ok',
        ['10 mail.example.com', '50 backup.example.net'],
      ],
      ['is a null MX (RFC 7505)', [{ exchange: '', priority: 0 }], 'mismatch', ['0 .']],
    ])('%s', async (_label, mx, status, found) => {
      const zone = goodZone();
      zone[DOMAIN] = { ...zone[DOMAIN], MX: mx };
      const check = await statusOf('mx', zone);
      expect(check.status).toBe(status);
      expect(check.found).toEqual(found);
    });
  });

  describe('A', () => {
    it('is a mismatch when the host resolves to another address', async () => {
      const zone = goodZone();
      zone[MAIL_HOST] = { A: ['198.51.100.7'] };
      const check = await statusOf('a', zone);
      expect(check).toMatchObject({ status: 'mismatch', found: ['198.51.100.7'] });
      expect(check.message).toContain('203.0.113.25');
    });

    it('accepts any address when the expected one is not known', async () => {
      const recs = requiredDnsRecords({ domain: DOMAIN, mailHost: MAIL_HOST, dkimPublicKey: KEY });
      const zone = goodZone();
      zone[MAIL_HOST] = { A: ['198.51.100.7'] };
      expect((await statusOf('a', zone, recs)).status).toBe('ok');
    });
  });

  describe('SPF', () => {
    const withSpf = (...spf: string[]): Zone => {
      const zone = goodZone();
      zone[DOMAIN] = { ...zone[DOMAIN], TXT: [['google-site-verification=abc'], ...spf.map((s) => [s])] };
      return zone;
    };

    it.each([
      ['the mail host named with a:', 'v=spf1 a:mail.example.com -all', 'ok'],
      ['an existing record extended with mx', 'v=spf1 include:spf.protection.outlook.com mx ~all', 'ok'],
      ['"+mx"', 'v=spf1 +mx ~all', 'ok'],
      ['no authorisation of the mail host', 'v=spf1 include:spf.protection.outlook.com ~all', 'mismatch'],
      ['"-mx", which forbids rather than authorises', 'v=spf1 -mx ~all', 'mismatch'],
      ['"+all"', 'v=spf1 mx +all', 'mismatch'],
      ['a bare "all"', 'v=spf1 mx all', 'mismatch'],
    ])('%s -> %s', async (_label, spf, status) => {
      expect((await statusOf('spf', withSpf(spf))).status).toBe(status);
    });

    it('joins a record split into several strings before reading it', async () => {
      const zone = goodZone();
      zone[DOMAIN] = { ...zone[DOMAIN], TXT: [['v=spf1 include:_spf.google.com ', 'mx ~all']] };
      const check = await statusOf('spf', zone, records({ spfInclude: '_spf.google.com' }));
      expect(check).toMatchObject({ status: 'ok', found: ['v=spf1 include:_spf.google.com mx ~all'] });
    });

    it('names the missing include of the tenant SMTP provider', async () => {
      const check = await statusOf('spf', withSpf('v=spf1 mx ~all'), records({ spfInclude: '_spf.google.com' }));
      expect(check.status).toBe('mismatch');
      expect(check.message).toContain('include:_spf.google.com');
    });

    it('is a mismatch with two SPF records, and shows both', async () => {
      const check = await statusOf('spf', withSpf('v=spf1 mx ~all', 'v=spf1 include:_spf.google.com ~all'));
      expect(check.status).toBe('mismatch');
      expect(check.found).toHaveLength(2);
    });

    it('does not take "v=spf10" or other TXT records for SPF', async () => {
      const check = await statusOf('spf', withSpf('v=spf10 mx'));
      expect(check).toMatchObject({ status: 'missing', found: [] });
    });
  });

  describe('DKIM', () => {
    const withDkim = (...txt: string[][]): Zone => ({ ...goodZone(), [`dkim._domainkey.${DOMAIN}`]: { TXT: txt } });

    it.each([
      ['another key', [[`v=DKIM1; k=rsa; p=${KEY.replace('A', 'B')}`]], 'mismatch'],
      ['a revoked key (empty p=)', [['v=DKIM1; k=rsa; p=']], 'mismatch'],
      ['the key without v= (it is optional)', [[`k=rsa; p=${KEY}`]], 'ok'],
      ['the key split over strings with spaces', [['v=DKIM1; k=rsa; p=', `${KEY.slice(0, 10)} ${KEY.slice(10)}`]], 'ok'],
      ['two records at one selector', [[`v=DKIM1; p=${KEY}`], [`v=DKIM1; p=${KEY}`]], 'mismatch'],
      ['only an unrelated TXT record', [['hello']], 'missing'],
    ])('%s -> %s', async (_label, txt, status) => {
      expect((await statusOf('dkim', withDkim(...txt))).status).toBe(status);
    });

    it('accepts any non-empty key when the expected key is not known', async () => {
      const recs = requiredDnsRecords({ domain: DOMAIN, mailHost: MAIL_HOST });
      expect((await statusOf('dkim', withDkim(['v=DKIM1; k=rsa; p=QUJD']), recs)).status).toBe('ok');
    });
  });

  describe('DMARC', () => {
    const withDmarc = (...txt: string[]): Zone => ({ ...goodZone(), [`_dmarc.${DOMAIN}`]: { TXT: txt.map((t) => [t]) } });

    it.each([
      ['p=reject', ['v=DMARC1; p=reject; rua=mailto:d@acme.com'], 'ok'],
      ['p=none (monitoring only, still a valid record)', ['v=DMARC1; p=none'], 'ok'],
      ['no policy', ['v=DMARC1; rua=mailto:d@acme.com'], 'mismatch'],
      ['an unknown policy', ['v=DMARC1; p=block'], 'mismatch'],
      ['two records', ['v=DMARC1; p=reject', 'v=DMARC1; p=none'], 'mismatch'],
    ])('%s -> %s', async (_label, txt, status) => {
      expect((await statusOf('dmarc', withDmarc(...txt))).status).toBe(status);
    });

    it('says that p=none protects nothing yet', async () => {
      expect((await statusOf('dmarc', withDmarc('v=DMARC1; p=none'))).message).toMatch(/monitors/);
    });
  });

  it('reports a failed lookup as error, not as missing, and checks the other records anyway', async () => {
    const results = await checkDnsRecords(records(), fakeResolver(goodZone(), { [`_dmarc.${DOMAIN}`]: 'ETIMEOUT' }));
    const dmarc = results.find((r) => r.record.kind === 'dmarc');
    expect(dmarc).toMatchObject({ status: 'error', found: [] });
    expect(dmarc?.message).toContain('ETIMEOUT');
    expect(results.filter((r) => r.record.kind !== 'dmarc').map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('accepts the shape of node:dns/promises as a resolver', async () => {
    // Type-level: the real module must satisfy DnsResolver (checked by `tsc`), without any lookup here.
    const dns = await import('node:dns/promises');
    const real: DnsResolver = dns;
    const custom: DnsResolver = new dns.Resolver();
    expect(typeof real.resolveMx).toBe('function');
    expect(typeof custom.resolveTxt).toBe('function');
  });
});
