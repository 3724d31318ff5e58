// The outbound SMTP capture sink (test/support/smtp-sink.ts) driven by nodemailer:
// STARTTLS + AUTH PLAIN/LOGIN delivery, wrong password, forced 4xx and 5xx.
import nodemailer, { type Transporter } from 'nodemailer';
import { SmtpSink, startSmtpSink } from '../support/smtp-sink';

type SendError = Error & { responseCode?: number; code?: string };

describe('SMTP capture sink', () => {
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
  });
  beforeEach(() => sink.reset());

  const transport = (auth: { user: string; pass: string }, extra: Record<string, unknown> = {}) =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      requireTLS: true,
      // the sink's certificate is smtp-server's bundled self-signed one
      tls: { rejectUnauthorized: false },
      auth,
      ...extra,
    });

  const send = (t: Transporter, subject: string, to: string | string[] = 'customer@example.test') =>
    t.sendMail({ from: 'helpdesk@mail.test', to, subject, text: 'We are on it.' });

  const sendError = async (p: Promise<unknown>): Promise<SendError> => {
    try {
      await p;
    } catch (e) {
      return e as SendError;
    }
    throw new Error('the send was accepted');
  };

  it('listens on a free port', () => {
    expect(sink.port).toBeGreaterThan(0);
  });

  it.each(['PLAIN', 'LOGIN'])('captures a message sent with STARTTLS and AUTH %s, with the user', async (authMethod) => {
    const t = transport({ user: 'outbound', pass: 'secret' }, { authMethod });
    const info = await send(t, `reply via ${authMethod}`, ['customer@example.test', 'cc@example.test']);
    t.close();
    expect(info.response).toMatch(/^250 /);
    const [m] = await sink.waitForMessages(1);
    expect(m).toMatchObject({
      user: 'outbound',
      authMethod,
      secure: true,
      from: 'helpdesk@mail.test',
      to: ['customer@example.test', 'cc@example.test'],
      subject: `reply via ${authMethod}`,
    });
    expect(m.raw.toString()).toContain('We are on it.');
  });

  it('refuses a wrong password with 535', async () => {
    const t = transport({ user: 'outbound', pass: 'wrong' });
    const err = await sendError(send(t, 'x'));
    t.close();
    expect(err.code).toBe('EAUTH');
    expect(err.responseCode).toBe(535);
    expect(sink.messages).toHaveLength(0);
  });

  it('refuses AUTH before STARTTLS with 538', async () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, ignoreTLS: true, auth: { user: 'outbound', pass: 'secret' } });
    const err = await sendError(send(t, 'x'));
    t.close();
    expect(err.responseCode).toBe(538);
  });

  it('answers 451 at RCPT on demand, then accepts again (retry on 4xx)', async () => {
    sink.respondWith(451, 'Mailbox busy, try again later', { times: 1 });
    const t = transport({ user: 'outbound', pass: 'secret' });
    const err = await sendError(send(t, 'first try'));
    expect(err.responseCode).toBe(451);
    expect(err.code).toBe('EENVELOPE');
    expect(sink.rejections).toEqual([
      expect.objectContaining({ stage: 'RCPT', code: 451, user: 'outbound', to: ['customer@example.test'] }),
    ]);
    expect(sink.messages).toHaveLength(0);

    const info = await send(t, 'second try');
    t.close();
    expect(info.response).toMatch(/^250 /);
    expect(sink.messages.map((m) => m.subject)).toEqual(['second try']);
  });

  it('answers 550 at DATA on demand until told otherwise (failure on 5xx)', async () => {
    sink.respondWith(550, 'Message rejected as spam', { stage: 'DATA' });
    const t = transport({ user: 'outbound', pass: 'secret' });
    for (const subject of ['one', 'two']) {
      const err = await sendError(send(t, subject));
      expect(err.responseCode).toBe(550);
      expect(err.message).toContain('Message rejected as spam');
    }
    expect(sink.rejections.map((r) => [r.stage, r.code])).toEqual([
      ['DATA', 550],
      ['DATA', 550],
    ]);
    sink.respondWith(null);
    await send(t, 'three');
    t.close();
    expect(sink.messages.map((m) => m.subject)).toEqual(['three']);
  });

  it('can refuse chosen recipients with failWith', async () => {
    const picky = await startSmtpSink({ failWith: (stage, ctx) => (stage === 'RCPT' && ctx.rcpt?.startsWith('gone@') ? 550 : undefined) });
    try {
      const t = nodemailer.createTransport({
        host: '127.0.0.1',
        port: picky.port,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
        auth: { user: 'outbound', pass: 'secret' },
      });
      const info = await t.sendMail({ from: 'helpdesk@mail.test', to: ['ok@example.test', 'gone@example.test'], subject: 'partial', text: 'x' });
      t.close();
      expect(info.accepted).toEqual(['ok@example.test']);
      expect(info.rejected).toEqual(['gone@example.test']);
      expect(picky.messages[0].to).toEqual(['ok@example.test']);
    } finally {
      await picky.close();
    }
  });

  it('speaks implicit TLS with secure: true', async () => {
    const tlsSink = await startSmtpSink({ secure: true, users: { other: 'pw' } });
    try {
      const t = nodemailer.createTransport({
        host: '127.0.0.1',
        port: tlsSink.port,
        secure: true,
        tls: { rejectUnauthorized: false },
        auth: { user: 'other', pass: 'pw' },
      });
      await send(t, 'over smtps');
      t.close();
      expect(tlsSink.messages[0]).toMatchObject({ user: 'other', secure: true, subject: 'over smtps' });
    } finally {
      await tlsSink.close();
    }
  });
});
