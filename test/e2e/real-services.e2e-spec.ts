// The real services started for the e2e tests answer: MariaDB (TCP login, throwaway
// databases), Dovecot IMAP (login, APPEND, FETCH) and Postfix -> Dovecot delivery.
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import mysql from 'mysql2/promise';
import nodemailer from 'nodemailer';
import { freshMysqlDatabase, mysqlAvailable, mysqlConnectionOptions } from '../support/database';
import { serviceEnv as env, testImapClient } from '../support/services';

const imapClient = () => testImapClient();



const token = () => randomBytes(6).toString('hex');

describe('real services', () => {
  it('exports the service variables', () => {
    expect(mysqlAvailable()).toBe(true);
    expect(process.env.DB_TYPE).toBe('mysql');
    expect(process.env.DOCKER_MAIL_IMAP_SECURITY).toBe('none');
    expect(existsSync(env('TEST_RS_DIR'))).toBe(true);
    expect(existsSync(env('TEST_DB_ROOT_SOCKET'))).toBe(true);
    expect(existsSync(env('MAILDIR_PATH'))).toBe(true);
  });

  describe('MariaDB', () => {
    it('lets the app user log in over TCP', async () => {
      const conn = await mysql.createConnection({ ...mysqlConnectionOptions(), database: env('DB_DATABASE') });
      try {
        const [rows] = await conn.query('SELECT VERSION() AS v, DATABASE() AS db, @@character_set_server AS cs');
        const [row] = rows as Array<{ v: string; db: string; cs: string }>;
        expect(row.v).toMatch(/MariaDB/);
        expect(row.db).toBe(env('DB_DATABASE'));
        expect(row.cs).toBe('utf8mb4');
      } finally {
        await conn.end();
      }
    });

    it('creates and drops a fresh database per test', async () => {
      const db = await freshMysqlDatabase();
      expect(db.database).toMatch(new RegExp(`^helpdesk_test_${process.env.JEST_WORKER_ID ?? '0'}_[0-9a-f]+$`));
      const conn = await mysql.createConnection({ ...mysqlConnectionOptions(), database: db.database });
      try {
        const [tables] = await conn.query('SHOW TABLES');
        expect(tables).toEqual([]);
        await conn.query('CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20))');
        await conn.query("INSERT INTO t VALUES (1, 'é ✓')");
        const [rows] = await conn.query('SELECT s FROM t');
        expect(rows).toEqual([{ s: 'é ✓' }]);
      } finally {
        await conn.end();
      }
      await db.drop();
      await db.drop(); // idempotent
      const check = await mysql.createConnection(mysqlConnectionOptions());
      try {
        const [rows] = await check.query('SHOW DATABASES LIKE ?', [db.database]);
        expect(rows).toEqual([]);
      } finally {
        await check.end();
      }
    });

    it('refuses database names outside the test grants', async () => {
      await expect(freshMysqlDatabase('helpdesk')).rejects.toThrow(/helpdesk_test_/);
    });
  });

  describe('Dovecot IMAP', () => {
    it('logs in, APPENDs and FETCHes a message', async () => {
      const client = imapClient();
      // A folder of its own, so the catch-all INBOX that other tests poll stays untouched.
      const folder = `rs-check-${token()}`;
      await client.connect();
      try {
        await client.mailboxCreate(folder);
        const messageId = `<${token()}@example.test>`;
        const raw = [
          'From: Alice <alice@example.test>',
          'To: inbound@mail.test',
          'Subject: imap check',
          `Message-ID: ${messageId}`,
          `Date: ${new Date().toUTCString()}`,
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Hello helpdesk.',
          '',
        ].join('\r\n');
        const appended = await client.append(folder, raw, ['\\Seen']);
        expect(appended && appended.uid).toBeGreaterThan(0);
        const lock = await client.getMailboxLock(folder);
        try {
          const msg = await client.fetchOne(String(appended && appended.uid), { envelope: true, source: true, flags: true }, { uid: true });
          expect(msg && msg.envelope?.subject).toBe('imap check');
          expect(msg && msg.envelope?.messageId).toBe(messageId);
          expect(msg && [...(msg.flags ?? [])]).toContain('\\Seen');
          expect(msg && msg.source?.toString()).toContain('Hello helpdesk.');
        } finally {
          lock.release();
        }
      } finally {
        await client.mailboxDelete(folder).catch(() => undefined);
        await client.logout();
      }
    });

    it('refuses a wrong password', async () => {
      const client = new ImapFlow({
        host: env('DOCKER_MAIL_IMAP_HOST'),
        port: Number(env('DOCKER_MAIL_IMAP_PORT')),
        secure: false,
        doSTARTTLS: false,
        auth: { user: env('DOCKER_MAIL_IMAP_USERNAME'), pass: 'wrong' },
        logger: false,
      });
      await expect(client.connect()).rejects.toThrow();
      client.close();
    });
  });

  describe('Postfix inbound', () => {
    it('delivers mail for tenant-x@mail.test into the inbound mailbox with Delivered-To', async () => {
      const messageId = `<${token()}@example.test>`;
      const transport = nodemailer.createTransport({ host: env('TEST_SMTP_IN_HOST'), port: Number(env('TEST_SMTP_IN_PORT')), secure: false });
      const info = await transport.sendMail({
        from: 'Customer <customer@example.test>',
        to: `tenant-x@${env('DOCKER_MAIL_DOMAIN')}`,
        subject: 'postfix check',
        text: 'My printer is on fire.',
        messageId,
      });
      transport.close();
      expect(info.response).toMatch(/^250 /);

      const client = imapClient();
      await client.connect();
      const lock = await client.getMailboxLock('INBOX');
      try {
        let uid: number | undefined;
        const deadline = Date.now() + 15_000;
        while (uid === undefined && Date.now() < deadline) {
          const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
          if (found && found.length) uid = found[0];
          else await new Promise((r) => setTimeout(r, 100));
        }
        expect(uid).toBeDefined();
        const msg = await client.fetchOne(String(uid), { envelope: true, headers: ['delivered-to'] }, { uid: true });
        expect(msg && msg.envelope?.subject).toBe('postfix check');
        expect(msg && msg.headers?.toString()).toMatch(/^Delivered-To: tenant-x@mail\.test\r?$/im);
        // Leave the catch-all INBOX as it was for the tests that poll it.
        await client.messageDelete(String(uid), { uid: true });
      } finally {
        lock.release();
        await client.logout();
      }
    });
  });
});
