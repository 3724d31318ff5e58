import { IncomingHttpHeaders, OutgoingHttpHeaders, request } from 'node:http';
import { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Logger } from '@nestjs/common';
import { SignedWebhookBodies } from '../../src/sources/webhook/signed-webhook-bodies';
import { signWebhookBody } from '../../src/mail/webhook-signature';
import { buildMail, postSigned } from '../support/mail';
import { waitFor } from '../support/services';
import { bearer, createTenantWithTokens, ENGINES, startTestApp, TestApp, WEBHOOK_SECRET } from '../support/test-app';

const WEBHOOK = '/api/inbound/webhook';
const MB = 1024 * 1024;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: { statusCode: number; error: string; message: string } & Record<string, unknown>;
}

const portOf = (t: TestApp) => (t.app.getHttpServer().address() as AddressInfo).port;

function signedHeaders(body: Buffer, timestamp = Math.floor(Date.now() / 1000)): OutgoingHttpHeaders {
  return {
    'Content-Type': 'message/rfc822',
    'Content-Length': body.length,
    'X-Inbound-Timestamp': timestamp,
    'X-Inbound-Signature': signWebhookBody(WEBHOOK_SECRET, timestamp, body),
  };
}

/** A request (to the webhook unless told) whose body is written by `write`, or never. */
function webhookRequest(t: TestApp, headers: OutgoingHttpHeaders, write: (req: ReturnType<typeof request>) => void = () => undefined, path = WEBHOOK) {
  const req = request({ host: '127.0.0.1', port: portOf(t), method: 'POST', path, headers, agent: false });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  write(req);
  return { req, answer };
}

/**
 * Sends the headers and never a byte of the body: a server that reads the body before judging
 * the headers never answers, and this fails after 5 s.
 */
async function answerWithoutBody(t: TestApp, headers: OutgoingHttpHeaders): Promise<Answer> {
  const { req, answer } = webhookRequest(t, { 'Content-Length': 24 * MB, ...headers });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer within 5 s while the body was held back')), 5_000);
  });
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
    req.on('error', () => undefined).destroy();
  }
}

describe.each(ENGINES)('webhook body handling on %s', (engine) => {
  let t: TestApp;
  let small: TestApp;
  let acme: Awaited<ReturnType<typeof createTenantWithTokens>>;
  let smallTenant: Awaited<ReturnType<typeof createTenantWithTokens>>;

  beforeAll(async () => {
    t = await startTestApp(engine);
    small = await startTestApp(engine, { INBOUND_MAX_BYTES: '2048', WEBHOOK_MAX_IN_FLIGHT: '2' });
    acme = await createTenantWithTokens(t, 'Acme');
    smallTenant = await createTenantWithTokens(small, 'Small');
  });
  afterAll(async () => {
    await t?.close();
    await small?.close();
  });

  it.each([
    ['no signature headers', {}, /X-Inbound-Timestamp/],
    ['a malformed timestamp', { 'X-Inbound-Timestamp': 'yesterday', 'X-Inbound-Signature': `sha256=${'a'.repeat(64)}` }, /X-Inbound-Timestamp/],
    ['a stale timestamp', { 'X-Inbound-Timestamp': Math.floor(Date.now() / 1000) - 301, 'X-Inbound-Signature': `sha256=${'a'.repeat(64)}` }, /300 s/],
    ['a malformed signature', { 'X-Inbound-Timestamp': Math.floor(Date.now() / 1000), 'X-Inbound-Signature': `sha1=${'a'.repeat(40)}` }, /X-Inbound-Signature/],
  ])('answers 401 to %s before reading the body, and closes the connection', async (_, headers, message) => {
    const answer = await answerWithoutBody(t, { 'Content-Type': 'message/rfc822', ...headers });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ statusCode: 401, error: 'unauthorized', message: expect.stringMatching(message) });
    expect(answer.headers.connection).toBe('close');
  });

  it('answers 415 to a Content-Encoding before reading the body; identity is fine', async () => {
    const raw = buildMail({ to: acme.inboundAddress });
    const gzip = await answerWithoutBody(t, { ...signedHeaders(gzipSync(raw)), 'Content-Encoding': 'gzip' });
    expect(gzip.status).toBe(415);
    expect(gzip.body).toMatchObject({ error: 'unsupported_media_type', message: expect.stringMatching(/Content-Encoding/) });
    await postSigned(t, gzipSync(raw)).set('Content-Encoding', 'gzip').expect(415);
    const identity = await postSigned(t, raw).set('Content-Encoding', 'identity').expect(200);
    expect(identity.body.outcome).toBe('created');
  });

  it('answers 413 to a declared length above INBOUND_MAX_BYTES before reading, and to a chunked body once it passes the limit', async () => {
    const declared = await answerWithoutBody(small, { ...signedHeaders(Buffer.alloc(4096)), 'Content-Length': 4096 });
    expect(declared.status).toBe(413);
    expect(declared.body.error).toBe('payload_too_large');

    const body = buildMail({ to: smallTenant.inboundAddress, body: 'x'.repeat(5000) });
    const { 'Content-Length': _, ...chunkedHeaders } = signedHeaders(body);
    const chunked = webhookRequest(small, chunkedHeaders, (req) => req.write(body));
    const answer = await chunked.answer;
    chunked.req.destroy();
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
    await waitFor('the slot to be free', () => small.app.get(SignedWebhookBodies).bodiesInFlight === 0);
  });

  it('answers 503 with Retry-After beyond WEBHOOK_MAX_IN_FLIGHT bodies being read, without reading the body, and frees the slots', async () => {
    const bodies = small.app.get(SignedWebhookBodies);
    const mails = [1, 2].map((i) => buildMail({ to: smallTenant.inboundAddress, subject: `Slow ${i}` }));
    const slow = mails.map((mail) => webhookRequest(small, signedHeaders(mail), (req) => req.write(mail.subarray(0, 100))));
    await waitFor('two bodies being read', () => bodies.bodiesInFlight === 2);

    const third = buildMail({ to: smallTenant.inboundAddress, subject: 'Third' });
    const busy = await answerWithoutBody(small, signedHeaders(third));
    expect(busy.status).toBe(503);
    expect(busy.body).toMatchObject({ statusCode: 503, error: 'unavailable' });
    expect(Number(busy.headers['retry-after'])).toBeGreaterThan(0);
    expect(busy.headers.connection).toBe('close');

    slow.forEach(({ req }, i) => req.end(mails[i].subarray(100)));
    const answers = await Promise.all(slow.map((s) => s.answer));
    expect(answers.map((a) => [a.status, a.body.outcome])).toEqual([
      [200, 'created'],
      [200, 'created'],
    ]);
    await waitFor('the slots to be free', () => bodies.bodiesInFlight === 0);
    expect((await postSigned(small, third).expect(200)).body.outcome).toBe('created');

    // A sender that gives up halfway frees its slot too.
    const quitter = webhookRequest(small, signedHeaders(third), (req) => req.write(third.subarray(0, 50)));
    quitter.answer.catch(() => undefined);
    await waitFor('the quitter to be read', () => bodies.bodiesInFlight === 1);
    quitter.req.destroy();
    await waitFor('its slot to be free', () => bodies.bodiesInFlight === 0);
  });
});

/** A POST with exactly these bytes and headers (superagent would re-encode a Buffer sent as JSON). */
async function rawPost(t: TestApp, path: string, headers: OutgoingHttpHeaders, body: Buffer | string): Promise<Answer> {
  const bytes = Buffer.from(body);
  const { answer } = webhookRequest(t, { ...headers, 'Content-Length': bytes.length }, (req) => req.end(bytes), path);
  return answer;
}

describe.each(ENGINES)('request bodies the API cannot read on %s', (engine) => {
  let t: TestApp;
  let loggedErrors: jest.SpyInstance;

  beforeAll(async () => {
    t = await startTestApp(engine);
    loggedErrors = jest.spyOn(Logger.prototype, 'error');
  });
  afterAll(async () => {
    loggedErrors.mockRestore();
    await t?.close();
  });

  const json = { 'Content-Type': 'application/json' };
  it.each([
    ['a broken gzip body', 400, 'bad_request', { ...json, 'Content-Encoding': 'gzip' }, 'not gzip at all'],
    ['a truncated gzip body', 400, 'bad_request', { ...json, 'Content-Encoding': 'gzip' }, gzipSync('{"name":"Cut"}').subarray(0, 12)],
    ['an unknown Content-Encoding', 415, 'unsupported_media_type', { ...json, 'Content-Encoding': 'compress' }, '{"name":"x"}'],
    ['an unknown charset', 415, 'unsupported_media_type', { 'Content-Type': 'application/json; charset=klingon' }, '{"name":"x"}'],
    ['JSON sent as text/plain', 415, 'unsupported_media_type', { 'Content-Type': 'text/plain' }, '{"name":"x"}'],
    ['a form', 415, 'unsupported_media_type', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'name=x'],
    ['malformed JSON', 400, 'bad_request', json, '{"name":'],
    ['a body above 1 MB', 413, 'payload_too_large', json, JSON.stringify({ name: 'x'.repeat(2 * MB) })],
  ])('answers %s with %i, and logs no error', async (_, status, error, headers, body) => {
    const answer = await rawPost(t, '/api/tenants', { Authorization: t.admin.Authorization, ...headers }, body);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ statusCode: status, error, message: expect.any(String) });
    expect(loggedErrors).not.toHaveBeenCalled();
  });

  it('still reads gzip-compressed JSON, and a POST without a body', async () => {
    const created = await rawPost(t, '/api/tenants', { Authorization: t.admin.Authorization, ...json, 'Content-Encoding': 'gzip' }, gzipSync('{"name":"Zipped"}'));
    expect(created).toMatchObject({ status: 201, body: { name: 'Zipped' } });
    const admin = await t.http().post(`/api/tenants/${created.body.id}/tokens`).set(t.admin).send({ role: 'tenant_admin', name: 'a' }).expect(201);
    const empty = await t.http().post('/api/email-settings/smtp-test').set(bearer(admin.body.token));
    expect(empty.body.message).toMatch(/No SMTP server is set/);
  });
});

describe('webhook memory under unsigned 24 MB posts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps memory flat while 40 concurrent unsigned 24 MB posts are refused', async () => {
    const body = Buffer.alloc(24 * MB, 'x'); // one buffer, written by every client
    const post = () =>
      new Promise<number | 'closed'>((resolve) => {
        const req = request({ host: '127.0.0.1', port: portOf(t), method: 'POST', path: WEBHOOK, agent: false, headers: { 'Content-Type': 'message/rfc822', 'Content-Length': body.length } });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        // Refused early, the client may see its connection closed while it still writes.
        req.on('error', () => resolve('closed'));
        req.end(body);
      });
    await post();

    const before = process.memoryUsage();
    let peak = { rss: before.rss, arrayBuffers: before.arrayBuffers };
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak = { rss: Math.max(peak.rss, now.rss), arrayBuffers: Math.max(peak.arrayBuffers, now.arrayBuffers) };
    }, 5);
    const outcomes = await Promise.all(Array.from({ length: 40 }, post));
    clearInterval(sampler);

    expect(outcomes.filter((o) => o !== 401 && o !== 'closed')).toEqual([]);
    expect(outcomes.filter((o) => o === 401).length).toBeGreaterThan(0);
    // Read first, the bodies would take 40 x 24 MB = 960 MB.
    expect((peak.rss - before.rss) / MB).toBeLessThan(64);
    expect((peak.arrayBuffers - before.arrayBuffers) / MB).toBeLessThan(32);
  });
});
