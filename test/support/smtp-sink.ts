// In-process SMTP capture sink for outbound-mail tests (npm smtp-server).
//
//   const sink = await startSmtpSink();          // 127.0.0.1, free port, user outbound/secret
//   ... point the tenant's SMTP settings at 127.0.0.1:sink.port, STARTTLS, tls.rejectUnauthorized=false ...
//   await sink.waitForMessages(1);
//   expect(sink.messages[0].user).toBe('outbound');
//   sink.respondWith(451, 'try again later');               // next RCPTs are deferred (4xx) ...
//   sink.respondWith(550, 'no such user', { stage: 'DATA', times: 1 });  // ... or one DATA refused (5xx)
//   sink.respondWith(null);                                 // accept again
//   await sink.close();
//
// STARTTLS (or implicit TLS with `secure: true`) uses smtp-server's bundled
// self-signed certificate unless key/cert are given. AUTH PLAIN/LOGIN is only
// offered over TLS (AUTH before STARTTLS gets 538). Every accepted message is
// kept in `messages` with the authenticated user; every refusal in `rejections`.
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export type SmtpStage = 'MAIL' | 'RCPT' | 'DATA';

export interface SmtpReply {
  code: number;
  message?: string;
}

export interface SinkMessage {
  /** Authenticated user name (undefined when the client did not authenticate). */
  user: string | undefined;
  /** AUTH mechanism used: 'PLAIN' or 'LOGIN'. */
  authMethod: string | undefined;
  /** True when the session ran over TLS (STARTTLS or implicit TLS). */
  secure: boolean;
  from: string | undefined;
  to: string[];
  raw: Buffer;
  /** The Subject header as sent (not MIME-decoded). */
  subject: string | undefined;
  receivedAt: Date;
}

export interface SinkRejection {
  stage: SmtpStage;
  code: number;
  message: string;
  user: string | undefined;
  from: string | undefined;
  /** RCPT: the refused address; DATA: all recipients; MAIL: none. */
  to: string[];
}

export interface SmtpStageContext {
  user: string | undefined;
  from: string | undefined;
  /** Recipients accepted so far (RCPT) or all recipients (DATA). */
  to: string[];
  /** The address of this RCPT command (stage RCPT only). */
  rcpt?: string;
}

export interface SmtpSinkOptions {
  /** 0 (default) = a free port. */
  port?: number;
  host?: string;
  /** user name -> password for AUTH PLAIN/LOGIN. Default { outbound: 'secret' }. */
  users?: Record<string, string>;
  /** Implicit TLS (SMTPS, like port 465) instead of plain + STARTTLS. */
  secure?: boolean;
  /** PEM key/certificate; default: smtp-server's bundled self-signed one. */
  key?: string | Buffer;
  cert?: string | Buffer;
  /** Allow AUTH without TLS (default false: 538 before STARTTLS). */
  allowInsecureAuth?: boolean;
  /** Accept mail without AUTH, like Mailpit (default false). */
  authOptional?: boolean;
  /**
   * Also offer AUTH XOAUTH2 (as Microsoft 365 and Gmail do) and accept a bearer token when this
   * says it is valid for the user (e.g. by the OAuth2 server's introspection).
   */
  checkBearer?: (user: string, accessToken: string) => Promise<boolean>;
  /**
   * Called at MAIL FROM, each RCPT TO and after DATA. Return a 4xx/5xx code (or
   * { code, message }) to refuse that step; undefined/null to accept.
   * `respondWith` overrides it while active.
   */
  failWith?: (stage: SmtpStage, context: SmtpStageContext) => SmtpReply | number | null | undefined;
}

export interface RespondWithOptions {
  /** Where to answer with the code. Default 'RCPT'. */
  stage?: SmtpStage;
  /** How many times (then the sink accepts again). Default: until respondWith(null). */
  times?: number;
}

export interface SmtpSink {
  host: string;
  port: number;
  secure: boolean;
  messages: SinkMessage[];
  rejections: SinkRejection[];
  /** Answer `code` (4xx or 5xx) at the given stage from now on; null (or a code < 400) accepts again. */
  respondWith(code: number | null, message?: string, options?: RespondWithOptions): void;
  /** Resolves once `count` messages have been accepted (rejects after timeoutMs, default 10 s). */
  waitForMessages(count: number, timeoutMs?: number): Promise<SinkMessage[]>;
  /** Forget the captured messages and rejections and any respondWith. */
  reset(): void;
  close(): Promise<void>;
  server: SMTPServer;
}

interface SessionUser {
  name: string;
  method: string;
}

const DEFAULT_TEXT: Record<string, string> = {
  '4': 'Temporary failure, try again later',
  '5': 'Permanent failure, message refused',
};

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const { port = 0, host = '127.0.0.1', users = { outbound: 'secret' }, secure = false, failWith } = options;
  const messages: SinkMessage[] = [];
  const rejections: SinkRejection[] = [];
  const waiters = new Set<() => void>();
  let forced: { stage: SmtpStage; code: number; message: string; remaining: number } | null = null;

  /** The reply for this step, or null to accept it. Consumes one forced reply. */
  function decide(stage: SmtpStage, context: SmtpStageContext): { code: number; message: string } | null {
    if (forced && forced.stage === stage && forced.remaining > 0) {
      const reply = { code: forced.code, message: forced.message };
      forced.remaining -= 1;
      if (forced.remaining <= 0) forced = null;
      return reply;
    }
    const custom = failWith?.(stage, context);
    if (custom === null || custom === undefined) return null;
    const reply = typeof custom === 'number' ? { code: custom } : custom;
    if (reply.code < 400) return null;
    return { code: reply.code, message: reply.message ?? DEFAULT_TEXT[String(reply.code)[0]] ?? 'Refused' };
  }

  function refuse(stage: SmtpStage, reply: { code: number; message: string }, context: SmtpStageContext, to: string[]) {
    rejections.push({ stage, code: reply.code, message: reply.message, user: context.user, from: context.from, to });
    return smtpError(reply.code, reply.message);
  }

  const userOf = (session: { user?: unknown }): SessionUser | undefined => session.user as SessionUser | undefined;

  const server = new SMTPServer({
    name: 'sink.mail.test',
    secure,
    ...(options.key && options.cert ? { key: options.key, cert: options.cert } : {}),
    authMethods: options.checkBearer ? ['PLAIN', 'LOGIN', 'XOAUTH2'] : ['PLAIN', 'LOGIN'],
    allowInsecureAuth: options.allowInsecureAuth ?? false,
    authOptional: options.authOptional ?? false,
    size: 50 * 1024 * 1024,
    // logger: false also silences smtp-server's warning about its bundled certificate.
    logger: false,
    // Do not keep tests waiting 30 s for clients that keep a connection open.
    closeTimeout: 300,
    onAuth(auth, _session, callback) {
      if (auth.method === 'XOAUTH2') {
        const user = auth.username ?? '';
        void (options.checkBearer?.(user, auth.accessToken ?? '') ?? Promise.resolve(false)).then(
          (valid) => callback(valid ? null : smtpError(535, 'Authentication failed: invalid token'), valid ? { user: { name: user, method: 'XOAUTH2' } satisfies SessionUser } : undefined),
          (error: Error) => callback(smtpError(454, `Temporary authentication failure: ${error.message}`)),
        );
        return;
      }
      if (auth.username !== undefined && Object.prototype.hasOwnProperty.call(users, auth.username) && users[auth.username] === auth.password) {
        callback(null, { user: { name: auth.username, method: auth.method } satisfies SessionUser });
        return;
      }
      callback(smtpError(535, 'Authentication failed: invalid username or password'));
    },
    onMailFrom(address, session, callback) {
      const context = { user: userOf(session)?.name, from: address.address, to: [] };
      const reply = decide('MAIL', context);
      callback(reply ? refuse('MAIL', reply, context, []) : undefined);
    },
    onRcptTo(address, session, callback) {
      const context: SmtpStageContext = {
        user: userOf(session)?.name,
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
        to: session.envelope.rcptTo.map((r) => r.address),
        rcpt: address.address,
      };
      const reply = decide('RCPT', context);
      callback(reply ? refuse('RCPT', reply, context, [address.address]) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const user = userOf(session);
        const to = session.envelope.rcptTo.map((r) => r.address);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined;
        const context = { user: user?.name, from, to };
        const reply = decide('DATA', context);
        if (reply) {
          callback(refuse('DATA', reply, context, to));
          return;
        }
        const raw = Buffer.concat(chunks);
        const head = raw.toString('utf8', 0, Math.min(raw.length, 64 * 1024)).split(/\r?\n\r?\n/)[0];
        const subject = /^Subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(head)?.[1].replace(/\r?\n[ \t]/g, ' ');
        messages.push({ user: user?.name, authMethod: user?.method, secure: Boolean(session.secure), from, to, raw, subject, receivedAt: new Date() });
        for (const wake of waiters) wake();
        callback(null, 'captured');
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A broken client connection must not crash the test process.
  server.on('error', () => undefined);

  return {
    host,
    port: (server.server.address() as AddressInfo).port,
    secure,
    messages,
    rejections,
    server,
    respondWith(code, message, { stage = 'RCPT', times = Infinity } = {}) {
      if (code === null || code < 400) {
        forced = null;
        return;
      }
      forced = { stage, code, message: message ?? DEFAULT_TEXT[String(code)[0]] ?? 'Refused', remaining: times };
    },
    waitForMessages(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return false;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages.slice());
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`smtp sink: ${messages.length} of ${count} message(s) after ${timeoutMs} ms`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    reset() {
      messages.length = 0;
      rejections.length = 0;
      forced = null;
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
