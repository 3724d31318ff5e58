// A Dovecot of a test file's own (test/services/real-services.sh under a private RS_DIR), with
// TENANT_MAILBOX_USERS users tenant-mbx-1..N@mail.test (password "secret"): tenant mailboxes
// log in as users of their own, and stopping or loading this Dovecot disturbs no other test.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';

const REAL_SERVICES = join(__dirname, '..', 'services', 'real-services.sh');

export interface PrivateDovecot {
  host: string;
  port: number;
  user(i: number): string;
  /** Appends the messages to INBOX of user i. */
  append(i: number, raws: Buffer[]): Promise<void>;
  /** Messages in a folder of user i. */
  count(i: number, folder: string): Promise<number>;
  /** Delivers to INBOX of user i with `doveadm save`: no IMAP session of the test's own. */
  save(i: number, raw: Buffer): void;
  /** IMAP sessions per user now (`doveadm who`). */
  sessions(): Promise<Map<string, number>>;
  down(): void;
}

export interface PrivateDovecotOptions {
  /**
   * RFC 7662 introspection endpoint with the resource server's credentials in it
   * (http://id:secret@host:port/path): users may then also log in with XOAUTH2/OAUTHBEARER and
   * an access token that endpoint finds active for them (`sub` = their login name).
   */
  oauth2IntrospectionUrl?: string;
}

/**
 * Two test files starting a private Dovecot at the same moment can both find the same port free
 * and one of them then fails to listen: that one starts again on ports chosen afresh.
 */
function startWithFreshPorts(env: NodeJS.ProcessEnv, rsDir: string, attempts = 4): void {
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync('bash', [REAL_SERVICES, 'up', 'dovecot'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      return;
    } catch (error) {
      execFileSync('bash', [REAL_SERVICES, 'down'], { env, stdio: 'ignore' });
      rmSync(rsDir, { recursive: true, force: true });
      // A random pause, so that two that collided do not choose at the same moment again.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100 + Math.random() * 400);
      if (attempt >= attempts) throw new Error(`private Dovecot in ${rsDir} did not start: ${String((error as { stderr?: Buffer }).stderr ?? error)}`, { cause: error });
    }
  }
}

export function startPrivateDovecot(name: string, users: number, options: PrivateDovecotOptions = {}): PrivateDovecot {
  const rsDir = `/tmp/inb-${name}-${process.pid}`;
  const env: NodeJS.ProcessEnv = { ...process.env, RS_DIR: rsDir, TEST_RS_DIR: rsDir, TENANT_MAILBOX_USERS: String(users) };
  delete env.DOVECOT_OAUTH2_INTROSPECTION_URL;
  if (options.oauth2IntrospectionUrl) env.DOVECOT_OAUTH2_INTROSPECTION_URL = options.oauth2IntrospectionUrl;
  // Ports of the shared services must not be taken over: let the script pick free ones.
  for (const k of ['IMAP_PORT', 'IMAPS_PORT', 'MARIADB_PORT', 'SMTP_IN_PORT']) delete env[k];
  startWithFreshPorts(env, rsDir);
  const port = Number(/IMAP_PORT=(\d+)/.exec(readFileSync(join(rsDir, 'ports.env'), 'utf8'))![1]);
  const user = (i: number) => `tenant-mbx-${i}@mail.test`;
  const conf = join(rsDir, 'dovecot', 'dovecot.conf');
  const withClient = async <T>(i: number, run: (c: ImapFlow) => Promise<T>): Promise<T> => {
    const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user: user(i), pass: 'secret' }, logger: false });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  };
  return {
    host: '127.0.0.1',
    port,
    user,
    append: (i, raws) =>
      withClient(i, async (c) => {
        for (const raw of raws) {
          await c.append('INBOX', raw).catch((error: { responseText?: string; message: string }) => {
            throw new Error(`APPEND for ${user(i)}: ${error.responseText ?? error.message}`);
          });
        }
      }),
    count: (i, folder) => withClient(i, async (c) => ((await c.status(folder, { messages: true }).catch(() => null)) || { messages: 0 }).messages ?? 0),
    save: (i, raw) => execFileSync('doveadm', ['-c', conf, 'save', '-u', user(i), '-m', 'INBOX'], { input: raw, stdio: ['pipe', 'ignore', 'inherit'] }),
    sessions: async () => {
      const { stdout } = await promisify(execFile)('doveadm', ['-c', conf, 'who']);
      const counts = new Map<string, number>();
      for (const line of stdout.split('\n').slice(1)) {
        const [name, count, proto] = line.trim().split(/\s+/);
        if (name && proto === 'imap') counts.set(name, Number(count));
      }
      return counts;
    },
    down: () => execFileSync('bash', [REAL_SERVICES, 'down'], { env, stdio: 'ignore' }),
  };
}
