import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { DataSource } from 'typeorm';
import { buildMail } from '../support/mail';
import { serviceEnv, waitFor } from '../support/services';
import { createTenantWithTokens, startTestApp, TestApp } from '../support/test-app';

// Issue 19, part 6: mail sent through a Postfix and a Dovecot configured by the very files users
// deploy from mailu/ (the "mailu" service of real-services.sh applies them as Mailu does).
const ROOT = join(__dirname, '..', '..');
const MAILU_DIR = serviceEnv('TEST_MAILU_DIR');

function sendSmtp(envelopeTo: string, raw: Buffer) {
  const transport = createTransport({ host: '127.0.0.1', port: Number(serviceEnv('TEST_MAILU_SMTP_PORT')), secure: false, ignoreTLS: true });
  return transport.sendMail({ envelope: { from: 'ann@customer.example', to: [envelopeTo] }, raw });
}

/** The app's webhook on the port the rendered pipe posts to (the URL users CHANGE in postfix.master). */
function forwardWebhook(t: TestApp): Promise<Server> {
  const target = (t.app.getHttpServer().address() as AddressInfo).port;
  const server = createServer((req, res) => {
    const upstream = request({ host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(Number(serviceEnv('TEST_MAILU_WEBHOOK_PORT')), '127.0.0.1', () => resolve(server)));
}

const unique = () => randomBytes(3).toString('hex');

describe('the mailu/ files, deployed into a real Postfix and Dovecot', () => {
  describe('webhook method: postfix.cf, postfix.master and transport.map, then the mailgate CLI', () => {
    let t: TestApp;
    let forwarder: Server;

    beforeAll(async () => {
      // The CLI where the rendered pipe runs it (/opt/inbound/dist in the mailgate image).
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), join(ROOT, 'src/cli/mailgate.ts'), '--outDir', join(MAILU_DIR, 'opt-inbound/dist'), '--rootDir', ROOT, '--module', 'commonjs', '--target', 'es2022', '--lib', 'es2022', '--types', 'node', '--skipLibCheck', '--esModuleInterop'],
        { stdio: 'inherit' },
      );
      t = await startTestApp('sqlite', { DOCKER_MAIL_DOMAIN: 'gate.mailu.test', DOCKER_MAIL_WEBHOOK_SECRET: serviceEnv('TEST_MAILU_WEBHOOK_SECRET') });
      forwarder = await forwardWebhook(t);
    }, 120_000);
    afterAll(async () => {
      await new Promise((resolve) => forwarder?.close(resolve));
      await t?.close();
    });

    it('files a blind copy for the tenant the envelope named, by ${original_recipient} before the catch-all rewrote it', async () => {
      const tenant = await createTenantWithTokens(t, `Gate ${unique()}`);
      const subject = `Through Mailu's pipe ${unique()}`;
      await sendSmtp(tenant.inboundAddress, buildMail({ to: 'someone@elsewhere.example', subject }));
      const found = await waitFor(
        'the ticket from the mailgate pipe',
        async () => {
          const tickets = await t.http().get(`/api/tickets?q=${encodeURIComponent(subject)}`).set(tenant.agent).expect(200);
          return tickets.body.total === 1 ? tickets.body.data[0] : null;
        },
        60_000,
        200,
      );
      const ticket = await t.http().get(`/api/tickets/${found.id}`).set(tenant.agent).expect(200);
      expect(ticket.body.messages[0]).toMatchObject({ from: 'customer@example.com', subject });
    }, 90_000);
  });

  describe('IMAP and Maildir methods: overrides/dovecot/dovecot.conf', () => {
    const maildir = () => join(MAILU_DIR, 'mail/mailu.test/inbound/Maildir');
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp('sqlite', { DOCKER_MAIL_DOMAIN: 'mailu.test', EMAIL_PROCESSING_METHOD: 'file_monitor', MAILDIR_PATH: maildir() });
    }, 60_000);
    afterAll(async () => {
      await t?.close();
    });

    it('delivers into the catch-all Maildir, where the Maildir source files it for the tenant of To', async () => {
      const tenant = await createTenantWithTokens(t, `Maildir ${unique()}`);
      const subject = `Through Mailu's Dovecot ${unique()}`;
      await sendSmtp(tenant.inboundAddress, buildMail({ to: tenant.inboundAddress, subject }));
      await waitFor(
        'the ticket from the Maildir',
        async () => (await t.http().get(`/api/tickets?q=${encodeURIComponent(subject)}`).set(tenant.agent).expect(200)).body.total === 1,
        60_000,
        200,
      );
    }, 90_000);

    it('writes no Delivered-To with lmtp_hdr_delivery_address = original: Postfix passes no ORCPT over LMTP (a known limit, see mailu/README.md)', async () => {
      const subject = `Blind copy to Mailu's Dovecot ${unique()}`;
      await sendSmtp(`tenant-nobody-${unique()}@mailu.test`, buildMail({ to: 'someone@elsewhere.example', subject }));
      const processed = await waitFor(
        'the logged message',
        // Unrouted mail is in no tenant's log: read the table.
        async () => ((await t.app.get(DataSource).query('SELECT outcome, reason FROM email_processing_logs WHERE subject = ?', [subject])) as { outcome: string }[])[0] ?? null,
        60_000,
        200,
      );
      expect(processed).toMatchObject({ outcome: 'rejected' });
      const doveconf = readFileSync(join(MAILU_DIR, 'overrides/dovecot/dovecot.conf'), 'utf8');
      expect(doveconf).toMatch(/^lmtp_hdr_delivery_address = original$/m);
    }, 90_000);
  });
});
