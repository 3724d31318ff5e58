import { EgressAllowance } from '../config/app-config';
import { egressRefusal, egressSettingProblem, isAllowedHost, parseIpLiteral, refusedRange, SMTP_PORTS } from './egress-policy';

const rules = (allowances: EgressAllowance[] = []) => ({ allowances, ports: SMTP_PORTS });
const refusalOf = (address: string) => refusedRange(parseIpLiteral(address)!);

describe('parseIpLiteral', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['[::1]', '::1'],
  ])('reads %s as %s, as the system resolver would', (literal, address) => {
    expect(parseIpLiteral(literal)?.toString()).toBe(address);
  });

  it('takes a host name for what it is', () => {
    expect(parseIpLiteral('localhost')).toBeNull();
    expect(parseIpLiteral('smtp.example.com')).toBeNull();
  });
});

describe('refusedRange', () => {
  it.each([
    ['127.0.0.1', /loopback/],
    ['0.0.0.0', /unspecified/],
    ['10.0.0.5', /private/],
    ['172.16.0.1', /private/],
    ['192.168.1.1', /private/],
    ['169.254.169.254', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['224.0.0.1', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['192.0.2.1', /documentation/],
    ['198.51.100.7', /documentation/],
    ['203.0.113.9', /documentation/],
    ['240.0.0.1', /reserved/],
    ['::1', /loopback/],
    ['::', /unspecified/],
    ['fe80::1', /link-local/],
    ['fd00::1', /unique local/],
    ['ff02::1', /multicast/],
    ['2001:db8::1', /documentation/],
    ['2002:7f00:1::', /6to4/],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
    ['64:ff9b::7f00:1', /NAT64/],
    ['::ffff:10.0.0.1', /private/],
  ])('refuses %s', (address, words) => {
    expect(refusalOf(address)).toMatch(words);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])('lets the public address %s through', (address) => {
    expect(refusalOf(address)).toBeNull();
  });
});

describe('egressRefusal (at connection time, on the resolved addresses)', () => {
  const at = (host: string, port: number, addresses: string[], allowances: EgressAllowance[] = []) =>
    egressRefusal({ host, port }, addresses.map((a) => parseIpLiteral(a)!), rules(allowances));

  it('refuses a name when any of its addresses is refused, naming that address', () => {
    expect(at('localhost', 587, ['127.0.0.1', '::1'])).toBe('localhost (127.0.0.1) is a loopback address');
    expect(at('mixed.example', 587, ['93.184.215.14', '10.0.0.5'])).toBe('mixed.example (10.0.0.5) is a private address');
    expect(at('smtp.example.com', 587, ['93.184.215.14', '2606:4700::1111'])).toBeNull();
  });

  it('allows SMTP ports only, unless the operator allows the host', () => {
    expect(at('smtp.example.com', 22, ['93.184.215.14'])).toMatch(/port 22 is not an SMTP port/);
    for (const port of SMTP_PORTS) expect(at('smtp.example.com', port, ['93.184.215.14'])).toBeNull();
    expect(at('smtp.example.com', 2526, ['93.184.215.14'], [{ host: 'smtp.example.com', port: null }])).toBeNull();
  });

  it('lets an allowed host through by the name written, by its address, on any port or on its own port only', () => {
    expect(at('mailpit', 1025, ['172.18.0.4'], [{ host: 'mailpit', port: null }])).toBeNull();
    expect(at('MailPit.', 1025, ['172.18.0.4'], [{ host: 'mailpit', port: null }])).toBeNull();
    expect(at('relay.internal', 25, ['10.0.0.5'], [{ host: '10.0.0.5', port: 25 }])).toBeNull();
    expect(at('relay.internal', 2525, ['10.0.0.5'], [{ host: '10.0.0.5', port: 25 }])).toMatch(/\(10\.0\.0\.5\) is a private address/);
    expect(at('relay.internal', 25, ['10.0.0.5', '10.0.0.6'], [{ host: '10.0.0.5', port: 25 }])).toMatch(/\(10\.0\.0\.6\) is a private address/);
    expect(at('127.0.0.1', 40000, ['127.0.0.1'], [{ host: '127.0.0.1', port: null }])).toBeNull();
  });
});

describe('egressSettingProblem (when a tenant saves a host, without DNS)', () => {
  it.each(['127.0.0.1', '127.1', '2130706433', '0x7f000001', '0.0.0.0', '169.254.169.254', '10.0.0.5', '192.168.0.10', '100.64.1.1'])(
    'refuses the IP literal %s',
    (host) => {
      expect(egressSettingProblem({ host, port: 587 }, rules())).toMatch(/is an? .*address/);
    },
  );

  it('names what an odd notation stands for', () => {
    expect(egressSettingProblem({ host: '0x7f000001', port: 587 }, rules())).toBe('0x7f000001 (127.0.0.1) is a loopback address');
  });

  it('asks for dotted-quad notation even for a public address', () => {
    expect(egressSettingProblem({ host: '134744072', port: 25 }, rules())).toMatch(/unusual notation: write it as 8\.8\.8\.8/);
    expect(egressSettingProblem({ host: '8.8.8.8', port: 25 }, rules())).toBeNull();
  });

  it('refuses other ports, for names too, unless allowed', () => {
    expect(egressSettingProblem({ host: 'smtp.example.com', port: 3306 }, rules())).toMatch(/port 3306 is not an SMTP port/);
    expect(egressSettingProblem({ host: 'smtp.example.com', port: 587 }, rules())).toBeNull();
    expect(egressSettingProblem({ host: 'localhost', port: 587 }, rules())).toBeNull();
    expect(egressSettingProblem({ host: '127.0.0.1', port: 1025 }, rules([{ host: '127.0.0.1', port: null }]))).toBeNull();
    expect(egressSettingProblem({ host: 'mailpit', port: 1025 }, rules([{ host: 'mailpit', port: 1025 }]))).toBeNull();
    expect(egressSettingProblem({ host: 'mailpit', port: 1026 }, rules([{ host: 'mailpit', port: 1025 }]))).toMatch(/port 1026/);
  });
});

describe('isAllowedHost', () => {
  it('compares addresses by value, names without case', () => {
    expect(isAllowedHost('127.1', 25, [{ host: '127.0.0.1', port: null }])).toBe(true);
    expect(isAllowedHost('SMTP.Relay.internal', 25, [{ host: 'smtp.relay.internal', port: 25 }])).toBe(true);
    expect(isAllowedHost('smtp.relay.internal', 26, [{ host: 'smtp.relay.internal', port: 25 }])).toBe(false);
    expect(isAllowedHost('::1', 25, [{ host: '0:0:0:0:0:0:0:1', port: null }])).toBe(true);
  });
});
