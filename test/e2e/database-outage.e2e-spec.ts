import { createServer, Server, Socket, connect } from 'node:net';
import { AddressInfo } from 'node:net';
import { buildMail, postSigned } from '../support/mail';
import { createTenantWithTokens, startTestApp, TestApp } from '../support/test-app';

/** A TCP relay to the real MariaDB that the test can cut, as a network or database outage would. */
class CuttableRelay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async open(port = 0): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(Number(process.env.DB_PORT ?? 3306), process.env.DB_HOST ?? '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

describe('a database outage', () => {
  const relay = new CuttableRelay();
  let t: TestApp;

  beforeAll(async () => {
    await relay.open();
    t = await startTestApp('mysql', { DB_PORT: String(relay.port) });
  });
  afterAll(async () => {
    await t?.close().catch(() => undefined);
    await relay.cut().catch(() => undefined);
  });

  it('answers 503 so that the sender retries, and takes the mail once the database is back', async () => {
    const tenant = await createTenantWithTokens(t, 'Outage');
    const mail = buildMail({ to: tenant.inboundAddress, subject: 'During the outage' });

    await relay.cut();
    const during = await postSigned(t, mail);
    expect(during.status).toBe(503);
    expect(during.body.error).toBe('unavailable');
    expect(Number(during.headers['retry-after'])).toBeGreaterThan(0);
    const health = await t.http().get('/health');
    expect(health.status).toBe(503);
    expect(health.body.database.status).toBe('down');

    await relay.open(relay.port);
    let after = await postSigned(t, mail);
    for (let i = 0; i < 20 && after.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 250));
      after = await postSigned(t, mail);
    }
    expect(after.status).toBe(200);
    expect(after.body.outcome).toBe('created');
    expect((await postSigned(t, mail)).body.outcome).toBe('duplicate');
  });
});
