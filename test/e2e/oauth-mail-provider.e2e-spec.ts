// The OAuth2 parts of the mailbox-connection tests (issue 18), end to end without the app: a real
// OAuth2 server (oidc-provider) standing in for Microsoft 365 and Google, and a private Dovecot whose
// oauth2 passdb checks bearer tokens at that server's introspection endpoint. The authorization-code
// flow with PKCE, IMAP login with the access token, refresh with rotation, and revocation.
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { ImapFlow } from 'imapflow';
import { buildMail } from '../support/mail';
import { completeProviderFlow, OAuthMailProvider, startOAuthMailProvider } from '../support/oauth-mail-provider';
import { PrivateDovecot, startPrivateDovecot } from '../support/private-dovecot';
import { waitFor } from '../support/services';

jest.setTimeout(60_000);

const REDIRECT_URI = 'http://127.0.0.1:9/oauth/callback';
const MICROSOFT_SCOPE = 'openid email offline_access https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send';
const GOOGLE_SCOPE = 'openid email https://mail.google.com/';

interface Tokens {
  access_token: string;
  refresh_token: string;
  id_token?: string;
  scope: string;
  expires_in: number;
}

let provider: OAuthMailProvider;
let dovecot: PrivateDovecot;
beforeAll(async () => {
  provider = await startOAuthMailProvider({ redirectUri: REDIRECT_URI });
  dovecot = startPrivateDovecot('oauth', 2, { oauth2IntrospectionUrl: provider.dovecotIntrospectionUrl });
});
afterAll(async () => {
  dovecot?.down();
  await provider?.close();
});

const base64url = (bytes: Buffer) => bytes.toString('base64url');

async function tokenRequest(form: Record<string, string>, auth: 'basic' | 'post' = 'basic'): Promise<{ status: number; body: Record<string, unknown> }> {
  const credentials: Record<string, string> = auth === 'basic' ? {} : { client_id: provider.clientId, client_secret: provider.clientSecret };
  const basic = Buffer.from(`${provider.clientId}:${provider.clientSecret}`).toString('base64');
  const response = await fetch(provider.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth === 'basic' ? { authorization: `Basic ${basic}` } : {}) },
    body: new URLSearchParams({ ...form, ...credentials }).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Connects `login`'s mailbox as the product will: authorization code with PKCE, then the token endpoint. */
async function connectMailbox(login: string, scope: string, extra: Record<string, string> = {}, auth: 'basic' | 'post' = 'basic'): Promise<Tokens> {
  const verifier = base64url(randomBytes(32));
  const state = base64url(randomBytes(16));
  const url = new URL(provider.authorizeUrl);
  const params = { response_type: 'code', client_id: provider.clientId, redirect_uri: REDIRECT_URI, scope, state, code_challenge: base64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256', ...extra };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const callback = new URL(await completeProviderFlow(url.toString(), login));
  expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
  expect(callback.searchParams.get('state')).toBe(state);
  const code = callback.searchParams.get('code');
  expect(code).toBeTruthy();
  const { status, body } = await tokenRequest({ grant_type: 'authorization_code', code: code!, redirect_uri: REDIRECT_URI, code_verifier: verifier }, auth);
  expect({ status, body }).toMatchObject({ status: 200, body: { token_type: 'Bearer' } });
  return body as unknown as Tokens;
}

const refresh = (refreshToken: string) => tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken });
const idTokenClaims = (idToken: string) => JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

/** AUTHENTICATE XOAUTH2 (as Microsoft 365 offers it; imapflow itself prefers OAUTHBEARER): the tagged answer. */
function xoauth2(user: string, accessToken: string): Promise<string> {
  const payload = Buffer.from(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`).toString('base64');
  return new Promise((resolve, reject) => {
    const socket = connect(dovecot.port, dovecot.host);
    let received = '';
    let sent = false;
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no XOAUTH2 answer: ${received}`)));
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (!sent && received.includes('\r\n')) {
        sent = true;
        socket.write(`A1 AUTHENTICATE XOAUTH2 ${payload}\r\n`);
      } else if (/^\+/m.test(chunk.toString())) {
        socket.write('\r\n'); // a refusal comes as a challenge first: end the exchange
      }
      const tagged = /^A1 .*$/m.exec(received);
      if (tagged) {
        socket.end('A2 LOGOUT\r\n');
        resolve(tagged[0].trim());
      }
    });
  });
}

/** Logs in with imapflow's `accessToken` and counts INBOX; the error text when refused. */
async function inboxWithToken(user: string, accessToken: string): Promise<number | string> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user, accessToken }, logger: false });
  try {
    await client.connect();
  } catch (error) {
    return String((error as { responseText?: string }).responseText ?? error);
  }
  try {
    const listed = await client.list();
    expect(listed.map((m) => m.path)).toContain('INBOX');
    const status = await client.status('INBOX', { messages: true });
    return status ? (status.messages ?? 0) : 'no status';
  } finally {
    await client.logout().catch(() => client.close());
  }
}

it('connects a Microsoft-like mailbox: ID token with the address, refresh token, IMAP login with XOAUTH2 and OAUTHBEARER', async () => {
  await dovecot.append(1, [buildMail({ to: 'tenant-mbx-1@mail.test', subject: 'before connecting' })]);
  const tokens = await connectMailbox('tenant-mbx-1@mail.test', MICROSOFT_SCOPE);
  expect(tokens.refresh_token).toBeTruthy();
  expect(tokens.expires_in).toBe(3600);
  expect(tokens.scope.split(' ')).toEqual(expect.arrayContaining(['https://outlook.office.com/IMAP.AccessAsUser.All', 'https://outlook.office.com/SMTP.Send']));
  expect(idTokenClaims(tokens.id_token!)).toMatchObject({ email: 'tenant-mbx-1@mail.test', sub: 'tenant-mbx-1@mail.test' });

  expect(await xoauth2('tenant-mbx-1@mail.test', tokens.access_token)).toMatch(/^A1 OK/);
  expect(await inboxWithToken('tenant-mbx-1@mail.test', tokens.access_token)).toBe(1);
  // The password users of the same Dovecot keep working.
  expect(await dovecot.count(1, 'INBOX')).toBe(1);
  // Another mailbox's token is refused, and a made-up one too.
  expect(await xoauth2('tenant-mbx-2@mail.test', tokens.access_token)).toMatch(/^A1 NO/);
  expect(await inboxWithToken('tenant-mbx-2@mail.test', tokens.access_token)).toMatch(/fail/i);
  expect(await xoauth2('tenant-mbx-1@mail.test', 'not-a-token')).toMatch(/^A1 NO/);
  // A password is no access token.
  expect(await xoauth2('tenant-mbx-1@mail.test', 'secret')).toMatch(/^A1 NO/);
});

it('connects a Google-like mailbox (access_type=offline, prompt=consent, client_secret_post): a refresh token without offline_access', async () => {
  const tokens = await connectMailbox('tenant-mbx-2@mail.test', GOOGLE_SCOPE, { access_type: 'offline', prompt: 'consent' }, 'post');
  expect(tokens.refresh_token).toBeTruthy();
  expect(tokens.scope.split(' ')).toContain('https://mail.google.com/');
  expect(idTokenClaims(tokens.id_token!)).toMatchObject({ email: 'tenant-mbx-2@mail.test' });
  expect(await inboxWithToken('tenant-mbx-2@mail.test', tokens.access_token)).toBe(0);
});

it('rejects a code exchange without the PKCE verifier', async () => {
  const url = new URL(provider.authorizeUrl);
  const challenge = base64url(createHash('sha256').update('the-verifier-the-client-forgets-0123456789').digest());
  const params = { response_type: 'code', client_id: provider.clientId, redirect_uri: REDIRECT_URI, scope: GOOGLE_SCOPE, state: 's', code_challenge: challenge, code_challenge_method: 'S256' };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const code = new URL(await completeProviderFlow(url.toString(), 'tenant-mbx-1@mail.test')).searchParams.get('code')!;
  expect(await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
});

it('rotates the refresh token on every refresh: the new one works, the old one is invalid_grant', async () => {
  const before = await provider.tokenRequests();
  const first = await connectMailbox('tenant-mbx-1@mail.test', MICROSOFT_SCOPE);
  const second = await refresh(first.refresh_token);
  expect(second.status).toBe(200);
  const rotated = second.body as unknown as Tokens;
  expect(rotated.refresh_token).toBeTruthy();
  expect(rotated.refresh_token).not.toBe(first.refresh_token);
  expect(rotated.access_token).not.toBe(first.access_token);
  expect(await inboxWithToken('tenant-mbx-1@mail.test', rotated.access_token)).toBe(1);

  const third = await refresh(rotated.refresh_token);
  expect(third.status).toBe(200);
  const after = await provider.tokenRequests();
  expect((after.refresh_token ?? 0) - (before.refresh_token ?? 0)).toBe(2);
  expect((after.authorization_code ?? 0) - (before.authorization_code ?? 0)).toBe(1);

  // Reusing a rotated-away refresh token is refused, and (refresh-token reuse detection, as in the
  // OAuth 2.0 security BCP) revokes the whole grant: the newest refresh token and access token die too.
  expect(await refresh(first.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  expect((await provider.tokenRequests())['refresh_token invalid_grant']).toBeGreaterThanOrEqual(1);
  expect(await refresh((third.body as unknown as Tokens).refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  expect(await xoauth2('tenant-mbx-1@mail.test', (third.body as unknown as Tokens).access_token)).toMatch(/^A1 NO/);
});

it('an expired access token is refused at login; the refreshed one logs in', async () => {
  const user = 'tenant-mbx-2@mail.test';
  await provider.setAccessTokenTtl(3);
  try {
    const tokens = await connectMailbox(user, MICROSOFT_SCOPE);
    expect(tokens.expires_in).toBe(3);
    expect(await xoauth2(user, tokens.access_token)).toMatch(/^A1 OK/);
    await waitFor('the access token to expire', async () => /^A1 NO/.test(await xoauth2(user, tokens.access_token)), 10_000, 250);
    await provider.setAccessTokenTtl(3600);
    const refreshed = await refresh(tokens.refresh_token);
    expect(refreshed.status).toBe(200);
    expect(await inboxWithToken(user, (refreshed.body as unknown as Tokens).access_token)).toBe(0);
  } finally {
    await provider.setAccessTokenTtl(3600);
  }
});

it('revokeAll(): the IMAP login with the access token is refused and the refresh is invalid_grant; connecting again works', async () => {
  const tokens = await connectMailbox('tenant-mbx-1@mail.test', MICROSOFT_SCOPE);
  expect(await xoauth2('tenant-mbx-1@mail.test', tokens.access_token)).toMatch(/^A1 OK/);
  await provider.revokeAll();
  expect(await xoauth2('tenant-mbx-1@mail.test', tokens.access_token)).toMatch(/^A1 NO/);
  expect(await inboxWithToken('tenant-mbx-1@mail.test', tokens.access_token)).toMatch(/fail/i);
  expect(await refresh(tokens.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

  const again = await connectMailbox('tenant-mbx-1@mail.test', MICROSOFT_SCOPE);
  expect(await inboxWithToken('tenant-mbx-1@mail.test', again.access_token)).toBe(1);
});
