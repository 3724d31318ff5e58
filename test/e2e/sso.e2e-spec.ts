// Single sign-on with OpenID Connect in Chromium against a real provider (oidc-provider) on loopback.
import { createServer } from 'node:net';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { startOidcProvider, TestOidcProvider } from '../support/oidc-provider';
import { createTenantWithTokens, Engine, ENGINES, startTestApp, TestApp } from '../support/test-app';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each(ENGINES)('single sign-on with OpenID Connect in Chromium (%s)', (engine: Engine) => {
  let t: TestApp;
  let provider: TestOidcProvider;
  let browser: Browser;
  let base: string;
  let acme: Awaited<ReturnType<typeof createTenantWithTokens>>;
  const contexts: BrowserContext[] = [];

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  /** From the app's sign-in page through the provider's login and consent pages. */
  async function signInAtProvider(page: Page, email: string, login = email): Promise<void> {
    await page.getByLabel('E-mail address').fill(email);
    await page.getByRole('button', { name: 'Use single sign-on (SSO)' }).click();
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider(`${base}/api/auth/sso/callback`);
    t = await startTestApp(engine, { PUBLIC_URL: base, EGRESS_ALLOWED_HOSTS: '127.0.0.1' }, { port });
    acme = await createTenantWithTokens(t, 'Acme', { tier: 'professional', domain: 'acme.example' });
    // The TXT lookup is another suite's subject: the domain is marked verified directly.
    await t.app.get(DataSource).query('UPDATE tenant_domains SET verified_domain = domain, verified_at = ? WHERE tenant_id = ?', ['2026-12-01 00:00:00.000', acme.id]);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    await provider?.close();
  });

  it('lets a tenant admin set up the provider, checked by its discovery document, the secret write-only', async () => {
    const sso = `/api/tenants/${acme.id}/sso`;
    await t.http().put(sso).set(acme.admin).send({ issuer: 'http://127.0.0.1:1', client_id: 'x', client_secret: 'y' }).expect(422);
    await t.http().put(sso).set(acme.admin).send({ issuer: 'http://10.1.2.3', client_id: 'x', client_secret: 'y' }).expect(422);
    await t.http().put(sso).set(acme.agent).send({ issuer: provider.issuer, client_id: provider.clientId, client_secret: provider.clientSecret }).expect(403);
    const saved = await t.http().put(sso).set(acme.admin).send({ issuer: provider.issuer, client_id: provider.clientId, client_secret: provider.clientSecret }).expect(200);
    expect(saved.body.data).toEqual({ issuer: provider.issuer, client_id: provider.clientId, client_secret_set: true, enabled: true, redirect_uri: `${base}/api/auth/sso/callback` });
    expect(JSON.stringify(saved.body)).not.toContain(provider.clientSecret);
  });

  it('signs a new person of a verified domain in through the provider, creating the user once, and keeps the deep link', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/tickets?status=open`);
    await page.getByRole('heading', { name: 'Sign in to Inbound' }).waitFor();
    await signInAtProvider(page, 'alice@acme.example');
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    expect(page.url()).toContain('#/tickets?status=open');
    const users = (await t.http().get(`/api/tenants/${acme.id}/users`).set(acme.admin).expect(200)).body.data.filter((u: { email: string }) => u.email === 'alice@acme.example');
    expect(users).toEqual([expect.objectContaining({ name: 'SSO alice', role: 'agent' })]);

    const again = await newPage();
    await again.goto(`${base}/`);
    await signInAtProvider(again, 'alice@acme.example');
    await again.getByRole('heading', { name: 'Tickets' }).waitFor();
    expect((await t.http().get(`/api/tenants/${acme.id}/users`).set(acme.admin).expect(200)).body.data.filter((u: { email: string }) => u.email === 'alice@acme.example')).toHaveLength(1);
    const audit = (await t.http().get('/api/audit-log?action=user.login_sso').set(acme.admin).expect(200)).body.data;
    expect(audit[0]).toMatchObject({ tenant_id: acme.id, actor: { kind: 'user', name: 'SSO alice' } });
  });

  it('refuses addresses off the tenant’s verified domains, and ones the provider does not vouch for', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('E-mail address').fill('bob@elsewhere.example');
    await page.getByRole('button', { name: 'Use single sign-on (SSO)' }).click();
    await page.getByText('Single sign-on is not set up for this address').waitFor();

    // Each attempt in a browser of its own: the provider remembers who signed in at it.
    const mallory = await newPage();
    await mallory.goto(`${base}/`);
    await signInAtProvider(mallory, 'carol@acme.example', 'mallory@evil.example');
    await mallory.getByText('mallory@evil.example is not on a verified domain of this tenant').waitFor();
    const unverified = await newPage();
    await unverified.goto(`${base}/`);
    await signInAtProvider(unverified, 'dan@acme.example', 'unverified@acme.example');
    await unverified.getByText('did not vouch for an e-mail address').waitFor();
    const emails = (await t.http().get(`/api/tenants/${acme.id}/users`).set(acme.admin).expect(200)).body.data.map((u: { email: string }) => u.email);
    expect(emails).not.toEqual(expect.arrayContaining(['mallory@evil.example']));
    expect(emails).not.toContain('unverified@acme.example');
    // Refused sign-ins are in the tenant's audit log as such, not as sign-ins.
    const refused = (await t.http().get('/api/audit-log?action=user.login_sso_failed').set(acme.admin).expect(200)).body.data;
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused[0]).toMatchObject({ tenant_id: acme.id, action: 'user.login_sso_failed', actor: { kind: 'anonymous' } });
  });
});
