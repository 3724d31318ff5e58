// A folder of a test's own in the shared Dovecot's catch-all mailbox, for specs that file mail over IMAP.
import { randomBytes } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { serviceEnv, sharedDovecot, testImapClient } from './services';

export interface ImapFolders {
  mailbox: string;
  processed: string;
  failed: string;
}

async function withImap<T>(run: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = testImapClient();
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

export async function createImapFolders(prefix: string): Promise<ImapFolders> {
  const mailbox = `e2e-${prefix}-${randomBytes(5).toString('hex')}`;
  const folders = { mailbox, processed: `${mailbox}-processed`, failed: `${mailbox}-failed` };
  await withImap(async (c) => {
    for (const f of Object.values(folders)) await c.mailboxCreate(f);
  });
  return folders;
}

export async function deleteImapFolders(folders: ImapFolders): Promise<void> {
  await withImap(async (c) => {
    for (const f of Object.values(folders)) await c.mailboxDelete(f).catch(() => undefined);
  }).catch(() => undefined);
}

export async function appendToFolder(folder: string, raws: Buffer[]): Promise<void> {
  await withImap(async (c) => {
    for (const raw of raws) await c.append(folder, raw);
  });
}

export async function messagesIn(folder: string): Promise<number> {
  return withImap(async (c) => {
    const status = await c.status(folder, { messages: true });
    if (!status) throw new Error(`no STATUS for ${folder}`);
    return status.messages ?? -1;
  });
}

/** The variables that make an app read `folders` from the shared Dovecot, beside the webhook. */
export function imapSourceEnv(folders: ImapFolders, methods = 'webhook,imap'): Record<string, string> {
  const server = sharedDovecot();
  return {
    EMAIL_PROCESSING_METHOD: methods,
    DOCKER_MAIL_IMAP_HOST: server.host,
    DOCKER_MAIL_IMAP_PORT: String(server.port),
    DOCKER_MAIL_IMAP_USERNAME: serviceEnv('DOCKER_MAIL_IMAP_USERNAME'),
    DOCKER_MAIL_IMAP_PASSWORD: serviceEnv('DOCKER_MAIL_IMAP_PASSWORD'),
    DOCKER_MAIL_IMAP_SECURITY: 'none',
    DOCKER_MAIL_IMAP_MAILBOX: folders.mailbox,
    DOCKER_MAIL_IMAP_PROCESSED_FOLDER: folders.processed,
    DOCKER_MAIL_IMAP_FAILED_FOLDER: folders.failed,
    EMAIL_PROCESSING_INTERVAL: '2',
  };
}
