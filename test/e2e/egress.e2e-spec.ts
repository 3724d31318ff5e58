// Issue 14, sections 3 and 4: a tenant admin's SMTP settings must not turn the server into a port
// scanner of its own network (SSRF), must not echo another service's banner, and must not carry
// the stored SMTP password to a new host. The attacks run against the default configuration (no
// EGRESS_ALLOWED_HOSTS); what needs a listener on loopback runs where the operator allowed it.
import { Socket, createServer, Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { buildMail, postSigned } from '../support/mail';
import { SmtpSink, startSmtpSink } from '../support/smtp-sink';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';
import { eventually } from '../support/services';

type Tenant = Awaited<ReturnType<typeof createTenantWithTokens>>;

/** Loopback, the unspecified address, cloud metadata and private ranges, in the notations the resolver accepts. */
const REFUSED_LITERALS: [string, RegExp][] = [
  ['127.0.0.1', /127\.0\.0\.1 is a loopback address/],
  ['127.1', /127\.1 \(127\.0\.0\.1\) is a loopback address/],
  ['2130706433', /\(127\.0\.0\.1\) is a loopback address/],
  ['0x7f000001', /\(127\.0\.0\.1\) is a loopback address/],
  ['0177.0.0.1', /\(127\.0\.0\.1\) is a loopback address/],
  ['0.0.0.0', /is an unspecified address/],
  ['169.254.169.254', /169\.254\.169\.254 is a link-local address/],
  ['10.0.0.5', /10\.0\.0\.5 is a private address/],
  ['172.16.3.4', /is a private address/],
  ['192.168.1.1', /is a private address/],
  ['100.64.0.1', /carrier-grade NAT/],
  ['192.0.2.10', /documentation/],
];

/** Every outgoing TCP connection the process opens (TLS ones included) while `run` runs. */
async function connectionsDuring<T>(run: () => Promise<T>): Promise<{ result: T; ports: number[] }> {
  const spy = jest.spyOn(Socket.prototype, 'connect');
  try {
    const result = await run();
    const ports = spy.mock.calls.map((args) => {
      const first: unknown = Array.isArray(args[0]) ? args[0][0] : args[0];
      return typeof first === 'object' && first !== null ? Number((first as { port?: unknown }).port) : Number(first);
    });
    return { result, ports };
  } finally {
    spy.mockRestore();
  }
}

/** A TCP service that is not SMTP: it says its banner on connect, like sshd, or closes after an HTTP error. */
async function startBannerServer(banner: string, options: { end?: boolean } = {}): Promise<{ port: number; connections: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = { connections: 0 };
  const server: Server = createServer((socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    if (options.end) socket.end(banner);
    else socket.write(banner);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An SMTP server that records every AUTH attempt (user and password) and refuses it: where an attacker points the host. */
async function startAuthTrap(): Promise<{ port: number; attempts: { username?: string; password?: string }[]; close(): Promise<void> }> {
  const attempts: { username?: string; password?: string }[] = [];
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    logger: false,
    closeTimeout: 300,
    onAuth(auth, _session, callback) {
      attempts.push({ username: auth.username ?? undefined, password: auth.password ?? undefined });
      callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function putSettings(t: TestApp, tenant: Tenant, body: Record<string, unknown>) {
  return t.http().put('/api/email-settings').set(tenant.admin).send(body);
}

function smtpTest(t: TestApp, tenant: Tenant, body: Record<string, unknown> = {}) {
  return t.http().post('/api/email-settings/smtp-test').set(tenant.admin).send(body).expect(200);
}

/** Settings saved before these checks existed: straight into the database, past the API. */
async function storeLegacySettings(t: TestApp, tenant: Tenant, host: string, port: number, security = 'starttls', username: string | null = null) {
  await t.app
    .get(DataSource)
    .query('UPDATE email_settings SET smtp_host = ?, smtp_port = ?, smtp_security = ?, smtp_username = ? WHERE tenant_id = ?', [host, port, security, username, tenant.id]);
}

describe.each(ENGINES)('egress of tenant SMTP settings, default configuration, on %s', (engine) => {
  let t: TestApp;
  let relay: SmtpSink;
  let acme: Tenant;

  beforeAll(async () => {
    relay = await startSmtpSink();
    t = await startTestApp(engine, { OUTBOX_POLL_INTERVAL_MS: '100', OUTBOX_RETRY_BASE_MS: '200', MAIL_DEV_SMTP_HOST: '127.0.0.1', MAIL_DEV_SMTP_PORT: String(relay.port) });
    acme = await createTenantWithTokens(t, 'Acme');
  });
  afterAll(async () => {
    await t?.close();
    await relay?.close();
  });

  it.each(REFUSED_LITERALS)('PUT refuses smtp_host %s with 422, naming the range, on both routes', async (host, reason) => {
    const own = await putSettings(t, acme, { smtp_host: host, smtp_port: 587 }).expect(422);
    expect(own.body.message).toMatch(reason);
    expect(own.body.message).toMatch(/^smtp_host .* is refused/);
    const viaAdmin = await t.http().put(`/api/tenants/${acme.id}/email-settings`).set(t.admin).send({ smtp_host: host, smtp_port: 25 }).expect(422);
    expect(viaAdmin.body.message).toMatch(reason);
    expect((await t.http().get('/api/email-settings').set(acme.admin).expect(200)).body.smtp_host).toBeNull();
  });

  it('PUT refuses an IPv4 address written in an unusual notation even when it is public', async () => {
    const res = await putSettings(t, acme, { smtp_host: '134744072', smtp_port: 25 }).expect(422);
    expect(res.body.message).toMatch(/write it as 8\.8\.8\.8/);
  });

  it.each([22, 80, 3306, 6379, 11211])('PUT refuses port %s: SMTP ports only', async (port) => {
    const res = await putSettings(t, acme, { smtp_host: 'smtp.acme.example', smtp_port: port }).expect(422);
    expect(res.body.message).toMatch(new RegExp(`port ${port} is not an SMTP port \\(allowed: 25, 465, 587, 2525`));
  });

  it('PUT accepts a public SMTP server on a submission port', async () => {
    const res = await putSettings(t, acme, { smtp_host: 'smtp.acme.example', smtp_port: 465, smtp_security: 'tls' }).expect(200);
    expect(res.body).toMatchObject({ smtp_host: 'smtp.acme.example', smtp_port: 465 });
  });

  it('smtp-test refuses a host name that resolves to loopback without connecting (localhost:2525 is the test Postfix)', async () => {
    const tenant = await createTenantWithTokens(t, `Localhost ${engine}`);
    await putSettings(t, tenant, { smtp_host: 'localhost', smtp_port: 2525, smtp_security: 'starttls' }).expect(200);
    const { result, ports } = await connectionsDuring(() => smtpTest(t, tenant, { send_to: 'x@example.com' }));
    expect(result.body).toMatchObject({ ok: false, stage: 'policy', host: 'localhost', port: 2525, smtp_code: null });
    expect(result.body.error).toMatch(/^connection refused: localhost \((127\.0\.0\.1|::1)\) is a loopback address$/);
    expect(ports).not.toContain(2525);
  });

  it.each(REFUSED_LITERALS)('smtp-test refuses %s stored before these checks, without connecting', async (host, reason) => {
    const tenant = await createTenantWithTokens(t, `Legacy ${host} ${engine}`);
    await storeLegacySettings(t, tenant, host, 25);
    const { result, ports } = await connectionsDuring(() => smtpTest(t, tenant));
    expect(result.body).toMatchObject({ ok: false, stage: 'policy' });
    expect(result.body.error).toMatch(reason);
    expect(ports).not.toContain(25);
  });

  it('smtp-test gives the same answer for a closed port as for an open one: neither is reached', async () => {
    const tenant = await createTenantWithTokens(t, `Scanner ${engine}`);
    const answers: unknown[] = [];
    for (const port of [2525, 25]) {
      await putSettings(t, tenant, { smtp_host: 'localhost', smtp_port: port }).expect(200);
      const res = await smtpTest(t, tenant);
      answers.push({ ...res.body, port: null, duration_ms: null });
    }
    expect(answers[0]).toEqual(answers[1]);
  });

  it('the outbox fails a reply to a refused host at once, for good, with the reason on the message', async () => {
    const tenant = await createTenantWithTokens(t, `Outbox ${engine}`);
    await putSettings(t, tenant, { smtp_host: 'localhost', smtp_port: 587 }).expect(200);
    const created = await postSigned(t, buildMail({ to: tenant.inboundAddress, from: 'jane@customer.example', subject: 'Help' })).expect(200);
    const { ports, result: queued } = await connectionsDuring(async () => {
      const res = await t.http().post(`/api/tickets/${created.body.ticket_id}/reply`).set(tenant.agent).send({ body_text: 'On it.' }).expect(202);
      await eventually(async () => {
        const ticket = await t.http().get(`/api/tickets/${created.body.ticket_id}`).set(tenant.agent).expect(200);
        expect(ticket.body.messages.find((m: { id: number }) => m.id === res.body.id).delivery_status).toBe('failed');
      });
      return res;
    });
    expect(ports).not.toContain(587);
    const ticket = await t.http().get(`/api/tickets/${created.body.ticket_id}`).set(tenant.agent).expect(200);
    const message = ticket.body.messages.find((m: { id: number }) => m.id === queued.body.id);
    expect(message.delivery_detail).toMatch(/^permanent failure, not retried: policy failed: connection refused: localhost \((127\.0\.0\.1|::1)\) is a loopback address/);
    const [row] = await t.app.get(DataSource).query('SELECT status, attempts FROM outbox WHERE ticket_message_id = ?', [queued.body.id]);
    expect(row.status).toBe('failed');
    expect(Number(row.attempts)).toBe(1);
  });

  it('PUT refuses AUTH without TLS ("none" with a user name) to a host the operator did not allow', async () => {
    const res = await putSettings(t, acme, { smtp_host: 'smtp.acme.example', smtp_port: 25, smtp_security: 'none', smtp_username: 'acme', smtp_password: 'pw' }).expect(422);
    expect(res.body.message).toMatch(/would send the password without encryption/);
    await putSettings(t, acme, { smtp_host: 'smtp.acme.example', smtp_port: 25, smtp_security: 'none', smtp_username: null }).expect(200);
    await putSettings(t, acme, { smtp_username: 'acme' }).expect(422);
  });

  it('refuses AUTH without TLS at send time too, for settings stored before the check', async () => {
    const tenant = await createTenantWithTokens(t, `Plain ${engine}`);
    await storeLegacySettings(t, tenant, '8.8.8.8', 25, 'none', 'plain-user');
    const { result, ports } = await connectionsDuring(() => smtpTest(t, tenant));
    expect(result.body).toMatchObject({ ok: false, stage: 'policy' });
    expect(result.body.error).toMatch(/without encryption/);
    expect(ports).not.toContain(25);
  });

  it('leaves the development relay (MAIL_DEV_SMTP_HOST, the operator’s own setting on loopback) alone', async () => {
    const tenant = await createTenantWithTokens(t, `Relay ${engine}`);
    const { result, ports } = await connectionsDuring(() => smtpTest(t, tenant));
    expect(result.body).toMatchObject({ ok: true, via: 'development_relay', host: '127.0.0.1', port: relay.port });
    // The connection watch sees connections: the checks above that it saw none mean something.
    expect(ports).toContain(relay.port);
  });
});

const PASSWORD = 'Stored-Sm7p-Passw0rd';

describe.each(ENGINES)('egress to hosts the operator allows (EGRESS_ALLOWED_HOSTS=127.0.0.1) on %s', (engine) => {
  let t: TestApp;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await startSmtpSink({ users: { outbound: PASSWORD } });
    t = await startTestApp(engine, { EGRESS_ALLOWED_HOSTS: '127.0.0.1', OUTBOUND_SMTP_TLS_VERIFY: 'false', OUTBOX_POLL_INTERVAL_MS: '100', OUTBOX_RETRY_BASE_MS: '200' });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  describe('a service that is not SMTP', () => {
    const BANNERS: [string, string, { end?: boolean }][] = [
      ['an SSH server', 'SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n', {}],
      ['an HTTP server', 'HTTP/1.1 400 Bad Request\r\nServer: nginx/1.25.3\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', { end: true }],
      ['a service that closes with an SMTP-like error', '554 internal-admin-panel v2.3 secret-build\r\n', { end: true }],
    ];

    it.each(BANNERS)('%s: the tenant learns it is not SMTP, never its banner', async (_, banner, options) => {
      const fake = await startBannerServer(banner, options);
      try {
        const tenant = await createTenantWithTokens(t, `Banner ${fake.port} ${engine}`);
        for (const security of ['none', 'starttls']) {
          await putSettings(t, tenant, { smtp_host: '127.0.0.1', smtp_port: fake.port, smtp_security: security }).expect(200);
          const res = await smtpTest(t, tenant);
          expect(res.body).toMatchObject({ ok: false, stage: 'connection', smtp_code: null });
          expect(res.body.error).toBe('the server did not greet as an SMTP server (no 220 greeting); check the host and port');
          const shown = JSON.stringify(res.body);
          for (const word of ['SSH', 'OpenSSH', 'Ubuntu', 'HTTP', 'nginx', 'admin-panel', 'secret-build']) expect(shown).not.toContain(word);
        }
        expect(fake.connections).toBeGreaterThanOrEqual(2);
      } finally {
        await fake.close();
      }
    });

    it('nor does the outbox keep the banner on the ticket message', async () => {
      const fake = await startBannerServer('SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n');
      try {
        const tenant = await createTenantWithTokens(t, `Banner outbox ${engine}`);
        await putSettings(t, tenant, { smtp_host: '127.0.0.1', smtp_port: fake.port, smtp_security: 'starttls' }).expect(200);
        const created = await postSigned(t, buildMail({ to: tenant.inboundAddress, from: 'jane@customer.example', subject: 'Help' })).expect(200);
        const queued = await t.http().post(`/api/tickets/${created.body.ticket_id}/reply`).set(tenant.agent).send({ body_text: 'On it.' }).expect(202);
        const detail = await eventually(async () => {
          const ticket = await t.http().get(`/api/tickets/${created.body.ticket_id}`).set(tenant.agent).expect(200);
          const message = ticket.body.messages.find((m: { id: number }) => m.id === queued.body.id);
          expect(message.delivery_detail).toMatch(/did not greet as an SMTP server/);
          return message.delivery_detail as string;
        });
        expect(detail).not.toMatch(/SSH|OpenSSH|Ubuntu/);
      } finally {
        await fake.close();
      }
    });
  });

  it('PUT accepts the allowed host on any port, and AUTH without TLS to it', async () => {
    const tenant = await createTenantWithTokens(t, `Allowed ${engine}`);
    await putSettings(t, tenant, { smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_security: 'none', smtp_username: 'outbound', smtp_password: 'secret' }).expect(200);
    await putSettings(t, tenant, { smtp_host: '10.0.0.5', smtp_port: 25, smtp_security: 'starttls' }).expect(422);
  });

  describe('the stored password', () => {
    let trap: Awaited<ReturnType<typeof startAuthTrap>>;
    beforeAll(async () => {
      trap = await startAuthTrap();
    });
    afterAll(async () => {
      await trap?.close();
    });

    const sinkSettings = { smtp_host: '127.0.0.1', smtp_port: 0, smtp_security: 'starttls', smtp_username: 'outbound' };
    const storeForSink = async (tenant: Tenant) => {
      await putSettings(t, tenant, { ...sinkSettings, smtp_port: sink.port, smtp_password: PASSWORD }).expect(200);
      expect((await t.http().get('/api/email-settings').set(tenant.admin).expect(200)).body.smtp_password_set).toBe(true);
    };
    const passwordSet = async (tenant: Tenant) => (await t.http().get('/api/email-settings').set(tenant.admin).expect(200)).body.smtp_password_set as boolean;

    it('is dropped when the host moves to another server, and never reaches it', async () => {
      const tenant = await createTenantWithTokens(t, `Moved ${engine}`);
      await storeForSink(tenant);
      const moved = await putSettings(t, tenant, { smtp_port: trap.port, smtp_security: 'none' }).expect(200);
      expect(moved.body.smtp_password_set).toBe(false);
      const res = await smtpTest(t, tenant, { send_to: 'victim@example.com' });
      expect(res.body.ok).toBe(false);
      expect(trap.attempts.map((a) => a.password)).not.toContain(PASSWORD);
      expect(JSON.stringify(trap.attempts)).not.toContain(PASSWORD);
    });

    it.each<[string, Record<string, unknown>]>([
      ['host', { smtp_host: 'smtp.elsewhere.example', smtp_port: 587 }],
      ['port', { smtp_port: 2525 }],
      ['security', { smtp_security: 'tls' }],
      ['user name', { smtp_username: 'someone-else' }],
    ])('is dropped when the %s changes without a new one', async (_, change) => {
      const tenant = await createTenantWithTokens(t, `Change ${Object.keys(change).join(' ')} ${engine}`);
      await storeForSink(tenant);
      await putSettings(t, tenant, change).expect(200);
      expect(await passwordSet(tenant)).toBe(false);
    });

    it('is kept when the same settings are saved again (as the settings page does)', async () => {
      const tenant = await createTenantWithTokens(t, `Same ${engine}`);
      await storeForSink(tenant);
      await putSettings(t, tenant, { ...sinkSettings, smtp_port: sink.port, from_name: 'Renamed' }).expect(200);
      expect(await passwordSet(tenant)).toBe(true);
      const res = await smtpTest(t, tenant);
      expect(res.body).toMatchObject({ ok: true, authenticated: true });
    });

    it('is replaced when the same request that changes the host sends a new one', async () => {
      const tenant = await createTenantWithTokens(t, `Replaced ${engine}`);
      await putSettings(t, tenant, { ...sinkSettings, smtp_port: trap.port, smtp_password: 'the-old-password' }).expect(200);
      const res = await putSettings(t, tenant, { smtp_port: sink.port, smtp_password: PASSWORD }).expect(200);
      expect(res.body.smtp_password_set).toBe(true);
      const before = sink.messages.length;
      const test = await smtpTest(t, tenant, { send_to: 'admin@example.com' });
      expect(test.body).toMatchObject({ ok: true, authenticated: true });
      await sink.waitForMessages(before + 1);
      expect(sink.messages[sink.messages.length - 1]).toMatchObject({ user: 'outbound', secure: true });
    });
  });
});
