import { SMTP_PORTS } from './egress-policy';
import { EgressLookupError, EgressRefusedError, LookupAll, resolveEgressTarget } from './resolve-egress-target';

const rules = { allowances: [{ host: 'mailpit', port: null }], ports: SMTP_PORTS };

function table(answers: Record<string, string[]>): LookupAll & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (host: string) => {
    calls.push(host);
    const found = answers[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
  return Object.assign(lookup, { calls });
}

describe('resolveEgressTarget', () => {
  it('resolves a name once and hands back the checked address with the name for TLS', async () => {
    const lookup = table({ 'smtp.acme.example': ['93.184.215.14', '2606:4700::1111'] });
    await expect(resolveEgressTarget({ host: 'smtp.acme.example', port: 587 }, rules, { lookup })).resolves.toEqual({
      address: '93.184.215.14',
      servername: 'smtp.acme.example',
      allowlisted: false,
    });
    expect(lookup.calls).toEqual(['smtp.acme.example']);
  });

  it('refuses a name that resolves to a refused address, without anything to connect to', async () => {
    const lookup = table({ 'rebind.attacker.example': ['93.184.215.14', '127.0.0.1'] });
    await expect(resolveEgressTarget({ host: 'rebind.attacker.example', port: 25 }, rules, { lookup })).rejects.toThrow(
      new EgressRefusedError('connection refused: rebind.attacker.example (127.0.0.1) is a loopback address'),
    );
  });

  it('turns an IPv4-mapped answer into the IPv4 address it carries', async () => {
    const lookup = table({ 'mapped.example': ['::ffff:169.254.169.254'] });
    await expect(resolveEgressTarget({ host: 'mapped.example', port: 25 }, rules, { lookup })).rejects.toThrow(/\(169\.254\.169\.254\) is a link-local address/);
  });

  it('does not look up an IP literal, in any notation, and connects to its plain form', async () => {
    const lookup = table({});
    await expect(resolveEgressTarget({ host: '0x7f000001', port: 25 }, rules, { lookup })).rejects.toThrow(/0x7f000001 \(127\.0\.0\.1\) is a loopback address/);
    await expect(resolveEgressTarget({ host: '8.8.8.8', port: 25 }, rules, { lookup })).resolves.toEqual({ address: '8.8.8.8', servername: null, allowlisted: false });
    expect(lookup.calls).toEqual([]);
  });

  it('lets an allowed private host through and says it is allowed', async () => {
    const lookup = table({ mailpit: ['172.18.0.4'] });
    await expect(resolveEgressTarget({ host: 'mailpit', port: 1025 }, rules, { lookup })).resolves.toEqual({ address: '172.18.0.4', servername: 'mailpit', allowlisted: true });
  });

  it('reports a name that does not resolve, or not in time, as a lookup failure', async () => {
    await expect(resolveEgressTarget({ host: 'nowhere.invalid', port: 25 }, rules, { lookup: table({}) })).rejects.toThrow(
      new EgressLookupError('nowhere.invalid could not be resolved (ENOTFOUND)'),
    );
    const never: LookupAll = () => new Promise(() => undefined);
    await expect(resolveEgressTarget({ host: 'slow.example', port: 25 }, rules, { lookup: never, timeoutMs: 20 })).rejects.toThrow(/did not resolve within 20 ms/);
  });

  it('resolves through the system resolver by default', async () => {
    await expect(resolveEgressTarget({ host: 'localhost', port: 587 }, rules)).rejects.toThrow(/localhost \((127\.0\.0\.1|::1)\) is a loopback address/);
  });
});
