import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMail } from '../support/mail';
import { createTenantWithTokens, startTestApp, TestApp, WEBHOOK_SECRET } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');

/** Runs the compiled CLI as an MTA's pipe transport would: message on stdin, exit status back. */
function runMailgate(cli: string, args: string[], message: Buffer): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(message);
  });
}

describe('the mailgate CLI', () => {
  let t: TestApp;
  let url: string;
  let buildDir: string;
  let cli: string;
  let secretFile: string;

  beforeAll(async () => {
    // Its own build of just the CLI, so that it never races another test's full build of dist/.
    buildDir = mkdtempSync(join(tmpdir(), 'inbound-mailgate-'));
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), join(ROOT, 'src/cli/mailgate.ts'), '--outDir', buildDir, '--rootDir', ROOT, '--module', 'commonjs', '--target', 'es2022', '--lib', 'es2022', '--types', 'node', '--skipLibCheck', '--esModuleInterop'],
      { stdio: 'inherit' },
    );
    cli = join(buildDir, 'src/cli/mailgate.js');
    secretFile = join(buildDir, 'webhook-secret');
    writeFileSync(secretFile, `${WEBHOOK_SECRET}\n`);
    t = await startTestApp('sqlite');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}/api/inbound/webhook`;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(buildDir, { recursive: true, force: true });
  });

  it('delivers a BCC copy to the tenant named only by the envelope recipient, and exits 0', async () => {
    const tenant = await createTenantWithTokens(t, 'Gate');
    const bcc = buildMail({ to: 'someone@elsewhere.example', subject: 'Blind copy for the helpdesk' });
    const result = await runMailgate(cli, ['--url', url, '--secret-file', secretFile, '--recipient', tenant.inboundAddress], bcc);
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toMatch(/"outcome":"created"/);
    const tickets = await t.http().get('/api/tickets?q=Blind copy').set(tenant.agent).expect(200);
    expect(tickets.body.total).toBe(1);
  });

  it('exits 65 when the webhook refuses the message for good (wrong secret)', async () => {
    const result = await runMailgate(cli, ['--url', url, '--secret', 'not-the-secret-at-all', '--recipient', 'x@mail.test'], buildMail({ to: 'x@mail.test' }));
    expect(result.code).toBe(65);
    expect(result.output).toMatch(/HTTP 401/);
  });

  it('exits 75 so that the MTA retries when the service cannot be reached', async () => {
    const result = await runMailgate(cli, ['--url', 'http://127.0.0.1:9/api/inbound/webhook', '--secret-file', secretFile, '--timeout', '5'], buildMail({ to: 'x@mail.test' }));
    expect(result.code).toBe(75);
    expect(result.output).toMatch(/could not reach/);
  });

  it('exits 64 with its usage when the arguments are wrong', async () => {
    const result = await runMailgate(cli, ['--url', url], Buffer.from(''));
    expect(result.code).toBe(64);
    expect(result.output).toMatch(/usage: inbound-mailgate/);
  });
});
