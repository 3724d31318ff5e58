import { ImapFlow } from 'imapflow';

/** A variable exported by test/services/real-services.sh; missing means the services are not up. */
export function serviceEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (test services not started?)`);
  return value;
}

export interface ImapServer {
  host: string;
  port: number;
}

export const sharedDovecot = (): ImapServer => ({ host: serviceEnv('DOCKER_MAIL_IMAP_HOST'), port: Number(serviceEnv('DOCKER_MAIL_IMAP_PORT')) });

/**
 * A client of the test Dovecot's plain port. It offers STARTTLS with a self-signed
 * certificate; imapflow would upgrade and then reject it, so the client stays plain.
 */
export function testImapClient(server: ImapServer = sharedDovecot(), pass = serviceEnv('DOCKER_MAIL_IMAP_PASSWORD')): ImapFlow {
  return new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: serviceEnv('DOCKER_MAIL_IMAP_USERNAME'), pass },
    logger: false,
  });
}

/** Polls `probe` until it gives something other than null or false. */
export async function waitFor<T>(what: string, probe: () => Promise<T | null | false> | T | null | false, timeoutMs = 20_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Retries `check` until it stops throwing; rethrows its last error after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, stepMs));
    }
  }
}
