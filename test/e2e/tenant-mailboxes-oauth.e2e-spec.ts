// Microsoft 365 and Google mailboxes (issue 18) end to end: a real OAuth2 server (oidc-provider)
// stands in for Microsoft, and a private Dovecot checks the XOAUTH2/OAUTHBEARER bearer tokens at
// its introspection endpoint. Connect with PKCE from the API, mail becomes the tenant's tickets,
// access tokens are refreshed with rotation, a revoked grant shows needs_reauthorization (one
// e-mail to the tenant's admins, no 500 anywhere), and reconnecting resumes with nothing lost or
// doubled.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { expectEachFiledOnce, numberedMails, waitUntilFiled } from '../support/filing';
import { MailboxOAuthService } from '../../src/tenant-mailboxes/mailbox-oauth.service';
import { completeProviderFlow, OAuthMailProvider, startOAuthMailProvider } from '../support/oauth-mail-provider';
import { freePort } from '../support/oidc-provider';
import { PrivateDovecot, startPrivateDovecot } from '../support/private-dovecot';
import { waitFor } from '../support/services';
import { SmtpSink, startSmtpSink } from '../support/smtp-sink';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp, sameDatabaseAs } from '../support/test-app';

jest.setTimeout(120_000);

const token = () => randomBytes(5).toString('hex');
const CALLBACK_PATH = '/api/email-settings/mailboxes/oauth/callback';

describe.each(ENGINES)('Microsoft 365 mailboxes by OAuth2 on %s', (engine) => {
  let t: TestApp;
  let provider: OAuthMailProvider;
  let dovecot: PrivateDovecot;
  let mail: SmtpSink;
  let providerSmtp: SmtpSink;
  let publicUrl: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    provider = await startOAuthMailProvider({ redirectUri: `${publicUrl}${CALLBACK_PATH}`, accessTokenTtlSeconds: 6 });
    dovecot = startPrivateDovecot(`oauth-${engine}`, 3, { oauth2IntrospectionUrl: provider.dovecotIntrospectionUrl });
    mail = await startSmtpSink({ authOptional: true });
    // The provider's SMTP server: XOAUTH2 tokens checked at the provider, as Dovecot checks them.
    providerSmtp = await startSmtpSink({ checkBearer: (user, accessToken) => provider.validFor(user, accessToken), allowInsecureAuth: true });
    env = {
      PUBLIC_URL: publicUrl,
      EGRESS_ALLOWED_HOSTS: '127.0.0.1',
      IMAP_LEASE_SECONDS: '3',
      EMAIL_PROCESSING_INTERVAL: '1',
      MAIL_DEV_SMTP_HOST: '127.0.0.1',
      MAIL_DEV_SMTP_PORT: String(mail.port),
      OAUTH_MICROSOFT_CLIENT_ID: provider.clientId,
      OAUTH_MICROSOFT_CLIENT_SECRET: provider.clientSecret,
      OAUTH_MICROSOFT_AUTHORIZE_URL: provider.authorizeUrl,
      OAUTH_MICROSOFT_TOKEN_URL: provider.tokenUrl,
      OAUTH_MICROSOFT_SMTP_URL: `smtp://127.0.0.1:${providerSmtp.port}`,
      OUTBOX_POLL_INTERVAL_MS: '100',
    };
    t = await startTestApp(engine, env, { port });
  });
  afterAll(async () => {
    await t?.close();
    dovecot?.down();
    await provider?.close();
    await mail?.close();
    await providerSmtp?.close();
  });

  const mailboxOf = async (tenant: { admin: Record<string, string> }, id: number) => (await t.http().get(`/api/email-settings/mailboxes/${id}`).set(tenant.admin).expect(200)).body;
  const inState = (tenant: { admin: Record<string, string> }, id: number, state: string) =>
    waitFor(`mailbox ${id} ${state}`, async () => {
      const m = await mailboxOf(tenant, id);
      return m.state === state ? m : null;
    }, 30_000);
  const cookieOf = (response: request.Response) => ((response.headers['set-cookie'] as unknown as string[]) ?? []).map((c) => c.split(';')[0]).join('; ');
  /** The provider's redirect back, as the browser that started would (with its cookie) or another one (without). */
  const callback = (url: string, cookie?: string) => {
    const { pathname, search } = new URL(url);
    const call = t.http().get(`${pathname}${search}`);
    return (cookie ? call.set('Cookie', cookie) : call).expect(302);
  };
  const settingsOutcome = (response: request.Response) => new URLSearchParams(String(response.headers.location).split('?')[1] ?? '');

  it('refuses what cannot work with a clear 4xx, and offers only the providers the platform has an app for', async () => {
    const tenant = await createTenantWithTokens(t, `Refuse ${token()}`);
    const post = (body: object) => t.http().post('/api/email-settings/mailboxes').set(tenant.admin).send(body);
    expect((await post({ kind: 'google' }).expect(422)).body.message).toMatch(/Google is not set up on this platform/);
    expect((await post({ kind: 'microsoft365', password: 'x' }).expect(422)).body.message).toMatch(/signs in at Microsoft 365, not with a password/);
    expect((await post({ kind: 'microsoft365', oauth_client_id: 'own' }).expect(422)).body.message).toMatch(/go together/);
    expect((await post({ kind: 'microsoft365', oauth_client_id: 'own', oauth_client_secret: 's', oauth_token_url: 'http://10.1.2.3/token' }).expect(422)).body.message).toMatch(/oauth_token_url: must be an https URL/);
    expect((await post({ kind: 'microsoft365', oauth_client_id: 'own', oauth_client_secret: 's', oauth_token_url: 'https://10.1.2.3/token' }).expect(422)).body.message).toMatch(/oauth_token_url: .*private/);
    expect((await post({ kind: 'imap', host: 'imap.example.com', port: 993, security: 'tls', username: 'u', password: 'p', oauth_client_id: 'x' }).expect(422)).body.message).toMatch(/only for "microsoft365" and "google"/);
    expect((await t.http().get('/api/email-settings/mailboxes').set(tenant.admin).expect(200)).body).toEqual([]);
    const imap = await post({ kind: 'imap', host: dovecot.host, port: dovecot.port, security: 'none', username: dovecot.user(3), password: 'secret' }).expect(201);
    const patched = await t.http().patch(`/api/email-settings/mailboxes/${imap.body.id}`).set(tenant.admin).send({ send_replies: true }).expect(422);
    expect(patched.body.message).toMatch(/only a Microsoft 365 or Google mailbox sends replies/);
    await t.http().delete(`/api/email-settings/mailboxes/${imap.body.id}`).set(tenant.admin).expect(204);
    const providers = (await t.http().get('/api/email-settings/mailboxes/providers').set(tenant.admin).expect(200)).body;
    expect(providers).toEqual(expect.arrayContaining([{ kind: 'microsoft365', label: 'Microsoft 365', platform_app: true }, { kind: 'google', label: 'Google', platform_app: false }]));
    // A forged, stale or foreign state never reaches the token endpoint, and never answers 500.
    const forged = await t.http().get(`${CALLBACK_PATH}?code=abc&state=not-a-state`).expect(302);
    expect(settingsOutcome(forged).get('mailbox_error')).toMatch(/took too long or did not start here/);
    await t.http().get(CALLBACK_PATH).expect(302);
  });

  it('connects a Google mailbox through the tenant’s own app (no platform app for Google), its token endpoint under the egress rules', async () => {
    const tenant = await createTenantWithTokens(t, `Own app ${token()}`, { tier: 'enterprise' });
    const ownApp = { oauth_client_id: provider.clientId, oauth_client_secret: provider.clientSecret, oauth_authorize_url: provider.authorizeUrl, oauth_token_url: provider.tokenUrl };
    const created = await t.http().post('/api/email-settings/mailboxes').set(tenant.admin).send({ kind: 'google', host: dovecot.host, port: dovecot.port, security: 'none', ...ownApp }).expect(201);
    expect(created.body).toMatchObject({ kind: 'google', oauth_client_id: provider.clientId, state: 'awaiting_authorization' });
    expect(JSON.stringify(created.body)).not.toContain(provider.clientSecret);
    const authorizeUrl = new URL(created.body.authorize_url);
    expect(authorizeUrl.searchParams.get('scope')).toBe('openid email https://mail.google.com/');
    expect(authorizeUrl.searchParams.get('access_type')).toBe('offline');
    const user = 3;
    const back = await callback(await completeProviderFlow(created.body.authorize_url, dovecot.user(user)), cookieOf(created));
    expect(settingsOutcome(back).get('mailbox_connected')).toBe(String(created.body.id));
    await inState(tenant, created.body.id, 'connected');
    const mails = numberedMails('anyone@elsewhere.example', 2, `google-${token()}`);
    await dovecot.append(user, mails.map((m) => m.raw));
    await waitUntilFiled(t, mails.map((m) => m.messageId));
    await t.http().delete(`/api/email-settings/mailboxes/${created.body.id}`).set(tenant.admin).expect(204);
  });

  it('connects with PKCE, files the mailbox’s mail as the tenant’s, refreshes with rotation, survives a revoked grant and resumes on reconnect', async () => {
    const user = engine === 'sqlite' ? 1 : 2;
    const other = 3;
    const tenant = await createTenantWithTokens(t, `OAuth ${token()}`, { tier: 'enterprise' });
    const adminAddress = `admin-${token()}@customer.example`;
    await t.http().post(`/api/tenants/${tenant.id}/users`).set(t.admin).send({ email: adminAddress, name: 'Admin', role: 'tenant_admin', password: 'correct horse battery staple 1' }).expect(201);

    const created = await t.http().post('/api/email-settings/mailboxes').set(tenant.admin).send({ kind: 'microsoft365', host: dovecot.host, port: dovecot.port, security: 'none' }).expect(201);
    expect(created.body).toMatchObject({ kind: 'microsoft365', state: 'awaiting_authorization', username: '' });
    const authorizeUrl = new URL(created.body.authorize_url);
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(provider.authorizeUrl);
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizeUrl.searchParams.get('scope')).toContain('https://outlook.office.com/IMAP.AccessAsUser.All');
    const cookie = cookieOf(created);
    expect(cookie).toMatch(/^inbound_mailbox_oauth=/);
    expect(String(created.headers['set-cookie'])).toMatch(/HttpOnly/i);
    const id = created.body.id as number;

    const back = await completeProviderFlow(created.body.authorize_url, dovecot.user(user));
    // Someone else's browser (a link passed on) connects nothing; the code is not even traded.
    expect(settingsOutcome(await callback(back)).get('mailbox_error')).toMatch(/browser that started it/);
    const refused = (await t.http().get('/api/audit-log?action=mailbox.connected_failed').set(tenant.admin).expect(200)).body.data;
    expect(refused).toEqual([expect.objectContaining({ target: { type: 'mailbox', id: String(id) } })]);
    expect((await mailboxOf(tenant, id)).state).toBe('awaiting_authorization');
    const connected = await callback(back, cookie);
    expect(connected.headers.location).toBe(`${publicUrl}/#/settings?mailbox_connected=${id}`);
    const row = await inState(tenant, id, 'connected');
    expect(row.username).toBe(dovecot.user(user));
    // The callback (a request without a principal) is audited as the person or token that started connecting.
    const audit = (await t.http().get('/api/audit-log?action=mailbox.connected').set(tenant.admin).expect(200)).body.data;
    expect(audit).toEqual([expect.objectContaining({ action: 'mailbox.connected', actor: expect.objectContaining({ kind: 'token' }), target: { type: 'mailbox', id: String(id) } })]);
    expect(audit[0].changes).toMatchObject({ username: { before: null, after: dovecot.user(user) }, grant: { changed: true } });
    expect(JSON.stringify(row)).not.toMatch(/token/i);

    // Mail to any address in the mailbox is the tenant's.
    const first = numberedMails('whoever@elsewhere.example', 3, `oauth-${token()}`);
    await dovecot.append(user, first.map((m) => m.raw));
    await waitUntilFiled(t, first.map((m) => m.messageId));
    const tickets = (await t.http().get('/api/tickets').set(tenant.agent).expect(200)).body;
    expect(tickets.data.length).toBe(3);

    // Replies may leave through the mailbox's provider: SMTP with XOAUTH2, from the mailbox's address.
    expect((await t.http().patch(`/api/email-settings/mailboxes/${id}`).set(tenant.admin).send({ send_replies: true }).expect(200)).body.send_replies).toBe(true);
    await t.http().post(`/api/tickets/${tickets.data[0].id}/reply`).set(tenant.agent).send({ body_text: 'We are on it.' }).expect(202);
    const [sent] = await providerSmtp.waitForMessages(1, 30_000);
    expect(sent).toMatchObject({ user: dovecot.user(user), authMethod: 'XOAUTH2', from: dovecot.user(user) });
    expect(sent.raw.toString()).toMatch(new RegExp(`^From: .*<${dovecot.user(user)}>`, 'm'));
    providerSmtp.reset();

    // Access tokens (6 s here) are renewed before they expire, each refresh rotating the refresh token.
    const beforeRefresh = (await provider.tokenRequests()).refresh_token ?? 0;
    // A reconnect started but never finished changes nothing.
    await t.http().post(`/api/email-settings/mailboxes/${id}/authorize`).set(tenant.admin).expect(201);
    const refreshes = await waitFor('two refreshes', async () => {
      const counts = await provider.tokenRequests();
      return (counts.refresh_token ?? 0) >= beforeRefresh + 2 ? counts : null;
    }, 30_000);
    expect(refreshes['refresh_token invalid_grant'] ?? 0).toBe(0);
    expect((await mailboxOf(tenant, id)).state).toBe('connected');

    // Consent withdrawn at the provider: the next refresh is refused, and the tenant is told once.
    await provider.revokeAll();
    const revoked = await inState(tenant, id, 'needs_reauthorization');
    expect(revoked.last_error).toMatch(/invalid_grant.*reconnect the mailbox/);
    const notice = await waitFor('the admins’ notice', async () => mail.messages.find((m) => m.to.includes(adminAddress)) ?? null, 30_000);
    expect(notice.subject).toMatch(/needs you to sign in again/);
    expect(notice.raw.toString().replace(/=\r?\n/g, '')).toContain(`${publicUrl}/#/settings\r\n`);
    await waitFor('/health counts it', async () => {
      const source = (await t.http().get('/health')).body.sources.find((s: { name: string }) => s.name === 'tenant-mailboxes');
      return source?.states?.needs_reauthorization >= 1;
    });
    await t.http().get('/api/email-settings/mailboxes').set(tenant.admin).expect(200);

    // Mail arriving meanwhile waits in the mailbox.
    const waiting = numberedMails('whoever@elsewhere.example', 2, `waiting-${token()}`);
    await dovecot.append(user, waiting.map((m) => m.raw));

    // Signing in as another account is refused: this connection's checkpoint belongs to its own mailbox.
    const wrong = await t.http().post(`/api/email-settings/mailboxes/${id}/authorize`).set(tenant.admin).expect(201);
    const wrongBack = await callback(await completeProviderFlow(wrong.body.authorize_url, dovecot.user(other)), cookieOf(wrong));
    expect(settingsOutcome(wrongBack).get('mailbox_error')).toMatch(new RegExp(`signed in as ${dovecot.user(other)}, but this connection reads ${dovecot.user(user)}`));
    expect((await mailboxOf(tenant, id)).state).toBe('needs_reauthorization');

    const again = await t.http().post(`/api/email-settings/mailboxes/${id}/authorize`).set(tenant.admin).expect(201);
    const againBack = await callback(await completeProviderFlow(again.body.authorize_url, dovecot.user(user)), cookieOf(again));
    expect(settingsOutcome(againBack).get('mailbox_connected')).toBe(String(id));
    await waitUntilFiled(t, waiting.map((m) => m.messageId));
    await inState(tenant, id, 'connected');
    await expectEachFiledOnce(t, [...first, ...waiting].map((m) => m.messageId));
    // One notice for the episode, however many retries it took.
    expect(mail.messages.filter((m) => m.to.includes(adminAddress))).toHaveLength(1);
  });

  it('refreshes one at a time over every instance: a rotated refresh token is never presented twice', async () => {
    const tenant = await createTenantWithTokens(t, `Two instances ${token()}`, { tier: 'enterprise' });
    const created = await t.http().post('/api/email-settings/mailboxes').set(tenant.admin).send({ kind: 'microsoft365', host: dovecot.host, port: dovecot.port, security: 'none' }).expect(201);
    const back = await callback(await completeProviderFlow(created.body.authorize_url, dovecot.user(3)), cookieOf(created));
    expect(settingsOutcome(back).get('mailbox_connected')).toBe(String(created.body.id));
    const second = await startTestApp(engine, { ...env, TENANT_MAILBOX_MAX_CONNECTIONS: '0', ...sameDatabaseAs(t) });
    const refused = async () => (await provider.tokenRequests())['refresh_token invalid_grant'] ?? 0;
    const refusedBefore = await refused();
    try {
      const instances = [t, second].map((app) => app.app.get(MailboxOAuthService));
      for (let round = 0; round < 5; round++) {
        const tokens = await Promise.all(instances.map((oauth) => oauth.accessToken(created.body.id, { fresh: true })));
        for (const accessToken of tokens) expect(await provider.validFor(dovecot.user(3), accessToken)).toBe(true);
      }
      // oidc-provider revokes the whole grant when a rotated refresh token comes back: it never did.
      expect(await refused()).toBe(refusedBefore);
      expect((await mailboxOf(tenant, created.body.id)).state).not.toBe('needs_reauthorization');
    } finally {
      await second.close();
    }
    await t.http().delete(`/api/email-settings/mailboxes/${created.body.id}`).set(tenant.admin).expect(204);
  });
});
