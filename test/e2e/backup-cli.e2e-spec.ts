// The backup script as an operator runs it (node dist/src/cli/backup.js, built here on its own):
// configuration from the environment, create on a live instance, restore into a fresh DATA_DIR.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMail, postSigned } from '../support/mail';
import { ADMIN_TOKEN, APP_KEY, createTenantWithTokens, startTestApp, TestApp, WEBHOOK_SECRET } from '../support/test-app';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');

describe('npm run backup (the compiled script)', () => {
  let buildDir: string;
  let cli: string;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(() => {
    buildDir = mkdtempSync(join(tmpdir(), 'inbound-backup-cli-'));
    cleanups.push(() => rmSync(buildDir, { recursive: true, force: true }));
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        join(ROOT, 'src/cli/backup.ts'),
        ...['--outDir', buildDir, '--rootDir', ROOT, '--module', 'commonjs', '--target', 'es2022', '--lib', 'es2022', '--types', 'node'],
        ...['--skipLibCheck', '--esModuleInterop', '--experimentalDecorators', '--emitDecoratorMetadata'],
      ],
      { stdio: 'inherit' },
    );
    cli = join(buildDir, 'src/cli/backup.js');
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const run = (args: string[], dataDir: string) =>
    spawnSync(process.execPath, [cli, ...args], {
      encoding: 'utf8',
      // The build lives outside the repository: its imports resolve through NODE_PATH.
      env: { PATH: process.env.PATH, NODE_PATH: join(ROOT, 'node_modules'), DATA_DIR: dataDir, DB_TYPE: 'sqlite', ADMIN_API_TOKEN: ADMIN_TOKEN, APP_KEY, DOCKER_MAIL_WEBHOOK_SECRET: WEBHOOK_SECRET },
    });

  it('answers a wrong call with its usage and exit status 64', () => {
    const result = run(['backwards', '/tmp/x'], tmpdir());
    expect(result.status).toBe(64);
    expect(result.stderr).toContain('usage: npm run backup');
  });

  it('creates a backup of a live SQLite instance and restores it into a fresh DATA_DIR that an instance then serves', async () => {
    const live = await startTestApp('sqlite');
    cleanups.push(() => live.close());
    const tenant = await createTenantWithTokens(live, 'Scripted');
    const filed = await postSigned(live, buildMail({ to: tenant.inboundAddress, subject: 'Backed up by the script' })).expect(200);
    const backup = join(mkdtempSync(join(tmpdir(), 'inbound-backup-')), 'b');
    cleanups.push(() => rmSync(join(backup, '..'), { recursive: true, force: true }));

    const created = run(['create', backup], live.dataDir);
    expect({ status: created.status, stderr: created.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(created.stdout).toMatch(/^backed up: sqlite database, \d+ blob file\(s\) from local storage/);

    const target = mkdtempSync(join(tmpdir(), 'inbound-restored-'));
    cleanups.push(() => rmSync(target, { recursive: true, force: true }));
    const restored = run(['restore', backup], target);
    expect({ status: restored.status, stderr: restored.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(run(['restore', backup], target).status).toBe(1);

    const again: TestApp = await startTestApp('sqlite', { DATA_DIR: target });
    cleanups.push(() => again.close());
    const ticket = await again.http().get(`/api/tickets/${filed.body.ticket_id}`).set(tenant.agent).expect(200);
    expect(ticket.body.subject).toBe('Backed up by the script');
    const [log] = (await again.http().get('/api/email-processing-logs').set(tenant.admin).expect(200)).body.data;
    expect(log).toMatchObject({ outcome: 'created' });
  });
});
