// Retention, the sweep of blobs no row refers to (and its race with mail in flight), and a
// customer's export and erasure, on SQLite with local disk and on MariaDB with S3.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { BlobSweeper } from '../../src/retention/blob-sweeper';
import { RetentionRepository } from '../../src/retention/retention.repository';
import { RetentionService } from '../../src/retention/retention.service';
import { blobsContaining } from '../support/blobs';
import { buildMail, buildMailWithAttachment, postSigned } from '../support/mail';
import { freshBucket, TestBucket } from '../support/s3';
import { waitFor } from '../support/services';
import { createTenantWithTokens, startTestApp, TestApp, sameDatabaseAs } from '../support/test-app';

jest.setTimeout(90_000);

const DAY_MS = 86_400_000;

describe.each([
  ['sqlite', 'local'],
  ['mysql', 's3'],
] as const)('retention and erasure (%s, %s storage)', (engine, storage) => {
  let bucket: TestBucket | null = null;
  let t: TestApp;
  const count = async (sql: string, params: unknown[] = []) => Number((await t.app.get(DataSource).query(sql, params))[0].n);

  beforeAll(async () => {
    if (storage === 's3') bucket = await freshBucket();
    t = await startTestApp(engine, { ...(bucket?.env ?? {}), RETENTION_SWEEP_GRACE_MINUTES: '0' });
  });
  afterAll(async () => {
    await t?.close();
    await bucket?.drop();
  });

  it('exports a customer as a zip of .eml files and JSON, then erases them from the database and the blob store', async () => {
    const tenant = await createTenantWithTokens(t, `Erasure ${randomBytes(3).toString('hex')}`, { tier: 'enterprise' });
    const email = `erase-me-${randomBytes(3).toString('hex')}@customer.example`;
    const marker = `MARKER-${randomBytes(6).toString('hex')}`;
    const sharedFile = `shared logo ${randomBytes(4).toString('hex')}`;
    const theirs = [
      buildMail({ to: tenant.inboundAddress, from: `Erase Me <${email}>`, subject: 'My account', body: `${marker} first` }),
      buildMail({ to: tenant.inboundAddress, from: email, subject: 'Another thing', body: `${marker} second` }),
      withFrom(buildMailWithAttachment({ to: tenant.inboundAddress, filename: 'passport.txt', contentType: 'text/plain', content: `${marker} passport` }), email),
      withFrom(buildMailWithAttachment({ to: tenant.inboundAddress, filename: 'logo.txt', contentType: 'text/plain', content: sharedFile }), email),
    ];
    for (const raw of theirs) expect((await postSigned(t, raw).expect(200)).body.outcome).toBe('created');
    // Someone else keeps their mail, and the file they share with the customer.
    const other = withFrom(buildMailWithAttachment({ to: tenant.inboundAddress, filename: 'logo.txt', contentType: 'text/plain', content: sharedFile }), 'other@customer.example');
    await postSigned(t, other).expect(200);
    expect(await blobsContaining(t, bucket, marker)).not.toEqual([]);
    // Blobs written within the grace (0 here) and its one-second margin are left to the sweep.
    const written = Date.now();
    await waitFor('the blobs to be older than the one-second margin', () => Date.now() > written + 1_100, 5_000, 50);

    await t.http().post('/api/erasure-requests').set(tenant.agent).send({ email }).expect(403);
    await t.http().post('/api/erasure-requests').set(tenant.admin).send({ email: 'not an address' }).expect(400);
    const exported = await t.http().post('/api/erasure-requests/export').set(tenant.admin).send({ email }).buffer(true).parse(binary as never).expect(200);
    expect(exported.headers['content-type']).toBe('application/zip');
    const files = unzip(exported.body as Buffer);
    expect(Object.keys(files).filter((f) => f.endsWith('.eml'))).toHaveLength(4);
    expect(Object.values(files).filter((c) => c.includes(marker)).length).toBeGreaterThanOrEqual(4);
    const data = JSON.parse(files['data.json'].toString());
    expect(data).toMatchObject({ email, tickets: expect.any(Array), messages: expect.any(Array), processing_logs: expect.any(Array) });
    expect(data.tickets).toHaveLength(4);

    const erased = await t.http().post('/api/erasure-requests').set(tenant.admin).send({ email: email.toUpperCase() }).expect(200);
    expect(erased.body).toMatchObject({ email, tickets: 4, messages: 4, attachments: 2, processing_logs: 4, blobs_left_for_sweep: 0 });

    expect(await count('SELECT COUNT(*) AS n FROM tickets WHERE LOWER(requester_email) = ?', [email])).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM ticket_messages WHERE LOWER(from_address) = ? OR text_body LIKE ?', [email, `%${marker}%`])).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM email_processing_logs WHERE LOWER(from_address) = ?', [email])).toBe(0);
    expect(await blobsContaining(t, bucket, marker)).toEqual([]);
    expect(await blobsContaining(t, bucket, sharedFile)).toHaveLength(2); // the other customer's raw message and the shared file
    expect(await count('SELECT COUNT(*) AS n FROM ticket_messages WHERE LOWER(from_address) = ?', ['other@customer.example'])).toBe(1);
  });

  it('leaves a blob written during the erasure to the sweep: the same bytes may belong to a message in flight', async () => {
    const tenant = await createTenantWithTokens(t, `Erasure race ${randomBytes(3).toString('hex')}`, { tier: 'enterprise' });
    const email = `just-now-${randomBytes(3).toString('hex')}@customer.example`;
    const logo = `common logo ${randomBytes(4).toString('hex')}`;
    await postSigned(t, withFrom(buildMailWithAttachment({ to: tenant.inboundAddress, filename: 'logo.png', contentType: 'image/png', content: logo }), email)).expect(200);
    // Within the grace another customer's message with the same logo may be between storing it and
    // committing its row. The erasure runs on an instance with a grace of a minute: this app's grace
    // is only the one-second margin, which a busy machine can spend before the erasure arrives.
    const patient = await startTestApp(engine, {
      ...(bucket?.env ?? {}),
      RETENTION_SWEEP_GRACE_MINUTES: '1',
      ...sameDatabaseAs(t),
    });
    try {
      const erased = await patient.http().post('/api/erasure-requests').set(tenant.admin).send({ email }).expect(200);
      expect(erased.body.blobs_left_for_sweep).toBeGreaterThan(0);
    } finally {
      await patient.close();
    }
    expect((await blobsContaining(t, bucket, logo)).filter((name) => name.startsWith('attachments/'))).toHaveLength(1);
    const written = Date.now();
    await waitFor('the blob to be older than the one-second margin', () => Date.now() > written + 1_100, 5_000, 50);
    await t.app.get(BlobSweeper).sweep();
    expect((await blobsContaining(t, bucket, logo)).filter((name) => name.startsWith('attachments/'))).toEqual([]);
  });

  it('applies a tenant retention policy, and the sweep removes the blobs of deleted rows and of a deleted tenant', async () => {
    const tenant = await createTenantWithTokens(t, `Retention ${randomBytes(3).toString('hex')}`, { tier: 'enterprise' });
    await t.http().put('/api/retention-policy').set(tenant.admin).send({ raw_message_days: 0 }).expect(400);
    await t.http().put('/api/retention-policy').set(tenant.admin).send({ closed_ticket_days: 'ten' }).expect(400);
    await t.http().put('/api/retention-policy').set(tenant.agent).send({ raw_message_days: 30 }).expect(403);
    expect((await t.http().get('/api/retention-policy').set(tenant.admin).expect(200)).body).toEqual({ raw_message_days: null, processing_log_days: null, closed_ticket_days: null });
    const set = await t.http().put('/api/retention-policy').set(tenant.admin).send({ raw_message_days: 30, closed_ticket_days: 10 }).expect(200);
    expect(set.body).toEqual({ raw_message_days: 30, processing_log_days: null, closed_ticket_days: 10 });
    await t.http().put('/api/retention-policy').set(tenant.admin).send({ processing_log_days: 60 }).expect(200);

    const closedMarker = `CLOSED-${randomBytes(6).toString('hex')}`;
    const openMarker = `OPEN-${randomBytes(6).toString('hex')}`;
    const closed = await postSigned(t, buildMailWithAttachment({ to: tenant.inboundAddress, filename: 'old.txt', contentType: 'text/plain', content: closedMarker })).expect(200);
    await postSigned(t, buildMail({ to: tenant.inboundAddress, subject: 'still open', body: openMarker })).expect(200);
    await t.http().patch(`/api/tickets/${closed.body.ticket_id}`).set(tenant.agent).send({ status: 'closed' }).expect(200);

    // Eleven days on: the closed ticket goes with its attachment; raw messages and logs are younger than their limits.
    const report = await t.app.get(RetentionService).run(new Date(Date.now() + 11 * DAY_MS));
    expect(report).toMatchObject({ closed_tickets_deleted: 1, processing_logs_deleted: 0, raw_messages_forgotten: 0 });
    expect(await blobsContaining(t, bucket, closedMarker)).toHaveLength(1); // its raw message: its log row still names it
    expect(await count('SELECT COUNT(*) AS n FROM attachments WHERE tenant_id = ?', [tenant.id])).toBe(0);

    // Two months on: raw messages are forgotten, then log rows deleted; the sweep takes the raw bytes.
    const later = await t.app.get(RetentionService).run(new Date(Date.now() + 61 * DAY_MS));
    expect(later.processing_logs_deleted).toBe(2);
    expect(await blobsContaining(t, bucket, closedMarker)).toEqual([]);
    expect(await blobsContaining(t, bucket, openMarker)).toEqual([]);
    expect(await count('SELECT COUNT(*) AS n FROM tickets WHERE tenant_id = ?', [tenant.id])).toBe(1);

    const gone = await createTenantWithTokens(t, `Deleted ${randomBytes(3).toString('hex')}`);
    const goneMarker = `GONE-${randomBytes(6).toString('hex')}`;
    await postSigned(t, buildMailWithAttachment({ to: gone.inboundAddress, filename: 'x.txt', contentType: 'text/plain', content: goneMarker })).expect(200);
    await t.http().delete(`/api/tenants/${gone.id}`).set(t.admin).expect(200);
    // Its raw message inside a shared segment file is overwritten at once; files and objects wait for the sweep.
    const beforeSweep = await blobsContaining(t, bucket, goneMarker);
    expect(beforeSweep.filter((name) => name.endsWith('.seg'))).toEqual([]);
    expect(beforeSweep.length).toBeGreaterThan(0);
    await t.app.get(BlobSweeper).sweep({ now: new Date(Date.now() + 2 * DAY_MS) });
    expect(await blobsContaining(t, bucket, goneMarker)).toEqual([]);
  });

  (engine === 'mysql' ? it : it.skip)('runs on one instance at a time (a MySQL named lock; SQLite is one process)', async () => {
    const repository = t.app.get(RetentionRepository);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holding = false;
    const first = repository.exclusively(async () => {
      holding = true;
      await gate;
      return 'first';
    });
    await waitFor('the first run to hold the lock', () => holding, 10_000, 20);
    expect(await repository.exclusively(async () => 'second')).toBeNull();
    release();
    expect(await first).toBe('first');
    expect(await repository.exclusively(async () => 'third')).toBe('third');
  });

  it('keeps the blobs of mail that arrives while the sweep runs, new or the same bytes again', async () => {
    const tenant = await createTenantWithTokens(t, `Race ${randomBytes(3).toString('hex')}`, { tier: 'enterprise' });
    const again = `AGAIN-${randomBytes(6).toString('hex')}`;
    const orphan = `ORPHAN-${randomBytes(6).toString('hex')}`;
    const fresh = `FRESH-${randomBytes(6).toString('hex')}`;
    const mailAgain = buildMailWithAttachment({ to: tenant.inboundAddress, filename: 'again.txt', contentType: 'text/plain', content: again });
    await postSigned(t, mailAgain).expect(200);
    await postSigned(t, buildMailWithAttachment({ to: tenant.inboundAddress, filename: 'orphan.txt', contentType: 'text/plain', content: orphan })).expect(200);
    // Their rows go (as a retention run or an erasure would take them): both files are unreferenced now.
    await t.app.get(DataSource).query('DELETE FROM tickets WHERE tenant_id = ?', [tenant.id]);
    const orphaned = Date.now();
    await waitFor('the orphans to be older than the sweep’s one-second margin', () => Date.now() > orphaned + 1_100, 5_000, 50);

    const sweep = await t.app.get(BlobSweeper).sweep({
      afterMark: async () => {
        // Between mark and sweep: the first message is delivered again, and a new one arrives.
        await postSigned(t, mailAgain).expect(200);
        await postSigned(t, buildMailWithAttachment({ to: tenant.inboundAddress, filename: 'fresh.txt', contentType: 'text/plain', content: fresh })).expect(200);
      },
    });
    expect(sweep.deleted).toBeGreaterThan(0);
    // Its raw message is still named by its log row; its file by nothing.
    expect((await blobsContaining(t, bucket, orphan)).filter((name) => name.startsWith('attachments/'))).toEqual([]);
    expect((await blobsContaining(t, bucket, again)).some((name) => name.startsWith('attachments/'))).toBe(true);
    expect((await blobsContaining(t, bucket, fresh)).some((name) => name.startsWith('attachments/'))).toBe(true);
    const tickets = await t.http().get('/api/tickets').set(tenant.agent).expect(200);
    for (const ticket of tickets.body.data as { id: number }[]) {
      const full = await t.http().get(`/api/tickets/${ticket.id}`).set(tenant.agent).expect(200);
      await t.http().get(full.body.messages[0].attachments[0].url).set(tenant.agent).expect(200);
    }
  });
});

function withFrom(raw: Buffer, from: string): Buffer {
  return Buffer.from(raw.toString().replace(/^From: .*$/m, `From: ${from}`));
}

function binary(res: NodeJS.ReadableStream, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

function unzip(zip: Buffer): Record<string, Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'inbound-export-'));
  try {
    writeFileSync(join(dir, 'export.zip'), zip);
    execFileSync('python3', ['-m', 'zipfile', '-e', join(dir, 'export.zip'), join(dir, 'out')]);
    const list = execFileSync('python3', ['-c', 'import sys,zipfile;print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', join(dir, 'export.zip')], { encoding: 'utf8' });
    return Object.fromEntries(list.trim().split('\n').map((name) => [name, readFileSync(join(dir, 'out', name))]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
