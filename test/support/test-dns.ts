/**
 * The DNS that every test app's sender authentication (SPF, DKIM, DMARC) asks: only what a test
 * publishes here, so that no test depends on the real records of example.com and the like. Any
 * other name has no record (ENOTFOUND); `fail` makes a name's lookups fail with a DNS error.
 */
export class TestDnsZone {
  private readonly records = new Map<string, unknown[]>();
  private readonly failures = new Map<string, string>();

  /** A TXT record, split into strings of at most 255 characters as DNS carries them. */
  txt(name: string, value: string): this {
    const strings = value.match(/.{1,255}/g) ?? [''];
    this.records.set(`TXT ${name.toLowerCase()}`, [...(this.records.get(`TXT ${name.toLowerCase()}`) ?? []), strings]);
    return this;
  }

  fail(name: string, code: 'ETIMEOUT' | 'ESERVFAIL' | 'EREFUSED'): this {
    this.failures.set(name.toLowerCase(), code);
    return this;
  }

  readonly resolve = async (name: string, type: string): Promise<unknown[]> => {
    const code = this.failures.get(name.toLowerCase());
    if (code) throw Object.assign(new Error(`query${type} ${code} ${name}`), { code });
    const found = this.records.get(`${type} ${name.toLowerCase()}`);
    if (!found) throw Object.assign(new Error(`query${type} ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return found;
  };
}
