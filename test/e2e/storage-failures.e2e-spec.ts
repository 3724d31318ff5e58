// DATA_DIR full, read-only or in the way: ingest answers 503 + Retry-After (the MTA keeps the
// message and retries), leaves no empty files, /health takes the instance out, and mail is taken
// again once the storage is back. A full and a read-only disk are real small tmpfs mounts when
// this process may mount (root, as in the test container); a folder replaced by a file needs no
// privilege and runs everywhere.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { buildMail, buildMailWithAttachment, postSigned } from '../support/mail';
import { waitFor } from '../support/services';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(90_000);

/** Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN); probed once. */
function canMountTmpfs(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const mounting = canMountTmpfs();
if (!mounting) console.warn('storage-failures: cannot mount a tmpfs here; the full-disk and read-only tests are skipped');
const withTmpfs = mounting ? it : it.skip;

/** A 1 MB tmpfs at `path` (created), for a full or read-only disk; `unmount` is lazy, as the app may hold a file open there. */
function mountTmpfs(path: string, options = ''): { unmount(): void; remount(options: string): void } {
  mkdirSync(path, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=1m,mode=0700${options ? `,${options}` : ''}`, 'tmpfs', path]);
  return {
    unmount: () => execFileSync('umount', ['-l', path]),
    remount: (o: string) => execFileSync('mount', ['-o', `remount,${o}`, path]),
  };
}

/** Writes into `folder` until the disk is full. */
function fill(folder: string): string {
  const filler = join(folder, 'filler');
  try {
    writeFileSync(filler, Buffer.alloc(4 * 1024 * 1024, 'f'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  return filler;
}

const filesUnder = (folder: string): string[] =>
  existsSync(folder) ? readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(folder, f)).isFile()) : [];

function expectUnavailable(res: { status: number; headers: Record<string, string>; body: unknown }, code: string): void {
  expect(res.status).toBe(503);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(res.body).toEqual({ statusCode: 503, error: 'unavailable', message: expect.stringContaining(code), details: { storage_error: code } });
}

const storageHealth = async (t: TestApp) => {
  const res = await t.http().get('/health');
  return { status: res.status, body: res.body };
};

describe.each(ENGINES)('storage failures on ingest (%s)', (engine) => {
  let dataDir: string;
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenantWithTokens>>;
  const mounts: { unmount(): void }[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'inbound-storage-'));
  });
  afterEach(async () => {
    for (const m of mounts.splice(0)) m.unmount();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string> = {}) => {
    t = await startTestApp(engine, { DATA_DIR: dataDir, STORAGE_MIN_FREE_MB: '0', ...env });
    tenant = await createTenantWithTokens(t, `Storage ${randomBytes(3).toString('hex')}`);
  };

  withTmpfs('answers a full disk with 503 + Retry-After, leaves no empty segment file, says so at /health, and takes the mail once there is room', async () => {
    mounts.push(mountTmpfs(join(dataDir, 'raw')));
    await start();
    const filler = fill(join(dataDir, 'raw'));
    const mails = Array.from({ length: 5 }, (_, i) => buildMail({ to: tenant.inboundAddress, subject: `Disk full ${i}` }));

    for (const res of await Promise.all(mails.map((m) => postSigned(t, m)))) expectUnavailable(res, 'ENOSPC');
    expect(filesUnder(join(dataDir, 'raw'))).toEqual(['filler']);
    const down = await waitFor('storage down at /health', async () => ((await storageHealth(t)).status === 503 ? storageHealth(t) : null), 15_000, 200);
    expect(down.body).toMatchObject({ status: 'down', database: { status: 'up' }, storage: { status: 'down', writable: false, min_free_bytes: 0 } });
    expect(down.body.storage.error).toContain('ENOSPC');
    expect((await t.http().get('/metrics')).text).toContain('inbound_storage_writable 0');

    rmSync(filler);
    for (const m of mails) expect((await postSigned(t, m).expect(200)).body.outcome).toBe('created');
    await waitFor('storage up at /health', async () => (await storageHealth(t)).status === 200, 15_000, 200);
    expect(filesUnder(join(dataDir, 'raw')).every((f) => statSync(join(dataDir, 'raw', f)).size > 0)).toBe(true);
  });

  withTmpfs('answers a read-only attachments folder with 503, says so at /health, and stores the attachment once it is writable', async () => {
    const attachments = mountTmpfs(join(dataDir, 'attachments'), 'ro');
    mounts.push(attachments);
    await start();
    const mail = buildMailWithAttachment({ to: tenant.inboundAddress, filename: 'report.bin', contentType: 'application/octet-stream', content: 'quarterly numbers' });

    expectUnavailable(await postSigned(t, mail), 'EROFS');
    const down = await waitFor('storage down at /health', async () => ((await storageHealth(t)).status === 503 ? storageHealth(t) : null), 15_000, 200);
    expect(down.body.storage).toMatchObject({ status: 'down', writable: false, error: expect.stringContaining(`${join(dataDir, 'attachments')} is not writable (EROFS)`) });
    expect(Number((await t.app.get(DataSource).query('SELECT COUNT(*) AS n FROM ticket_messages'))[0].n)).toBe(0);

    attachments.remount('rw');
    const res = await postSigned(t, mail).expect(200);
    expect(res.body.outcome).toBe('created');
    const ticket = await t.http().get(`/api/tickets/${res.body.ticket_id}`).set(tenant.agent).expect(200);
    const download = await t.http().get(ticket.body.messages[0].attachments[0].url).set(tenant.agent).expect(200);
    expect(Buffer.from(download.body).toString()).toBe('quarterly numbers');
    expect(filesUnder(join(dataDir, 'attachments')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('answers 503 while a file stands where the raw folder should be, and takes the mail once it is a folder again', async () => {
    await start();
    const raw = join(dataDir, 'raw');
    rmSync(raw, { recursive: true, force: true });
    writeFileSync(raw, 'not a folder');
    const mail = buildMail({ to: tenant.inboundAddress, subject: 'Folder in the way' });

    expectUnavailable(await postSigned(t, mail), 'ENOTDIR');
    await waitFor('storage down at /health', async () => (await storageHealth(t)).status === 503, 15_000, 200);

    rmSync(raw);
    expect((await postSigned(t, mail).expect(200)).body.outcome).toBe('created');
    await waitFor('storage up at /health', async () => (await storageHealth(t)).status === 200, 15_000, 200);
  });

  it('takes the instance out (503) when free space is below STORAGE_MIN_FREE_MB, though it is writable', async () => {
    await start({ STORAGE_MIN_FREE_MB: '1000000000' });
    const res = await t.http().get('/health').expect(503);
    expect(res.body).toMatchObject({ status: 'down', storage: { status: 'down', writable: true, min_free_bytes: 1_000_000_000 * 1024 * 1024 } });
    expect(res.body.storage.free_bytes).toBeGreaterThan(0);
    expect(res.body.storage.error).toContain('below STORAGE_MIN_FREE_MB');
  });

  it('creates DATA_DIR folders 0700 and raw and attachment files 0600, and narrows a DATA_DIR made 0755', async () => {
    chmodSync(dataDir, 0o755);
    const previous = process.umask(0o022);
    try {
      await start();
      await postSigned(t, buildMailWithAttachment({ to: tenant.inboundAddress, filename: 'report.bin', contentType: 'application/octet-stream', content: 'private bytes' })).expect(200);
    } finally {
      process.umask(previous);
    }
    const modes = (folder: string) =>
      [folder, ...readdirSync(folder, { recursive: true, encoding: 'utf8' }).map((f) => join(folder, f))].map((p) => [
        p.slice(dataDir.length),
        (statSync(p).mode & 0o777).toString(8),
      ]);
    for (const [path, mode] of [...modes(join(dataDir, 'raw')), ...modes(join(dataDir, 'attachments'))]) {
      expect([path, mode]).toEqual([path, statSync(join(dataDir, path)).isDirectory() ? '700' : '600']);
    }
    expect((statSync(dataDir).mode & 0o777).toString(8)).toBe('700');
  });
});

describe('storage failures at the Maildir source', () => {
  let dataDir: string;
  let maildir: string;
  let t: TestApp;
  const mounts: { unmount(): void }[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'inbound-storage-'));
    maildir = mkdtempSync(join(tmpdir(), 'inbound-maildir-'));
    for (const d of ['new', 'cur', 'tmp']) mkdirSync(join(maildir, d));
  });
  afterEach(async () => {
    for (const m of mounts.splice(0)) m.unmount();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(maildir, { recursive: true, force: true });
  });

  const deliver = (raw: Buffer) => {
    const name = `${Math.floor(Date.now() / 1000)}.M${randomBytes(3).toString('hex')}P${process.pid}.test,S=${raw.length}`;
    writeFileSync(join(maildir, 'tmp', name), raw);
    renameSync(join(maildir, 'tmp', name), join(maildir, 'new', name));
    return name;
  };
  const list = (folder: string) => (existsSync(join(maildir, folder)) ? readdirSync(join(maildir, folder)) : []);
  const maildirHealth = async () => (await t.http().get('/health')).body.sources?.find((s: { name: string }) => s.name === 'maildir');

  /** Keeps the file in new/ (never failed/) while storing fails, and files it once storage is back. */
  async function expectKeptThenFiled(breakStorage: () => void, repairStorage: () => void, code: string): Promise<void> {
    t = await startTestApp('sqlite', { DATA_DIR: dataDir, STORAGE_MIN_FREE_MB: '0', EMAIL_PROCESSING_METHOD: 'file_monitor', MAILDIR_PATH: maildir });
    const tenant = await createTenantWithTokens(t, `Maildir storage ${randomBytes(3).toString('hex')}`);
    await waitFor('watching', async () => (await maildirHealth())?.connected);
    breakStorage();
    const name = deliver(buildMail({ to: tenant.inboundAddress, subject: `Kept while ${code}` }));

    const down = await waitFor('the source backs off', async () => {
      const h = await maildirHealth();
      return h?.status === 'down' && String(h.last_error).includes(code) ? h : null;
    });
    expect(down.last_error).toContain('storage or database unavailable');
    expect(list('new')).toEqual([name]);
    expect(list('failed')).toEqual([]);

    repairStorage();
    // The source retries with backoff (0.5 s, 1 s, 2 s ... up to a minute); the first retries come within seconds.
    await waitFor('filed into cur/', () => list('cur').includes(`${name}:2,S`), 30_000, 50);
    expect(list('new')).toEqual([]);
    expect(list('failed')).toEqual([]);
    expect(Number((await t.app.get(DataSource).query("SELECT COUNT(*) AS n FROM ticket_messages WHERE subject = ?", [`Kept while ${code}`]))[0].n)).toBe(1);
  }

  withTmpfs('keeps a message in new/ while DATA_DIR is full, never moving it to failed/, and files it once there is room', async () => {
    const disk = mountTmpfs(join(dataDir, 'raw'));
    mounts.push(disk);
    let filler = '';
    await expectKeptThenFiled(
      () => (filler = fill(join(dataDir, 'raw'))),
      () => rmSync(filler),
      'ENOSPC',
    );
  });

  it('keeps a message in new/ while a file stands where the raw folder should be, and files it once it is a folder again', async () => {
    const raw = join(dataDir, 'raw');
    await expectKeptThenFiled(
      () => {
        rmSync(raw, { recursive: true, force: true });
        writeFileSync(raw, 'not a folder');
      },
      () => rmSync(raw),
      'ENOTDIR',
    );
  });
});
