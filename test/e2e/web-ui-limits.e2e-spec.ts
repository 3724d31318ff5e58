import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { buildMail, postSigned } from '../support/mail';
import { ADMIN_TOKEN, createTenantWithTokens, startTestApp, TestApp } from '../support/test-app';
import { signInWithToken } from '../support/browser-sign-in';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'];

/** Issue 19 §3-4 in the browser: held mail in the processing log, and the operator's view of every mail. */
describe('web UI: held mail and the operator log, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const contexts: BrowserContext[] = [];

  async function signedIn(token: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC', acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${base}/`);
    await signInWithToken(page, token);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    return page;
  }

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
  });

  it('tenant admin: sees a held message, its headers and .eml, the limit warning, and releases it', async () => {
    const tenant = await createTenantWithTokens(t, 'Held UI Co', { tier: 'starter' });
    await t.http().put(`/api/tenants/${tenant.id}`).set(t.admin).send({ max_messages_per_day: 1 }).expect(200);
    await postSigned(t, buildMail({ to: tenant.inboundAddress, subject: 'First of the day' })).expect(200);
    const held = await postSigned(t, buildMail({ from: 'Erin <erin@customer.example>', to: tenant.inboundAddress, subject: 'Over the limit' })).expect(200);
    expect(held.body.outcome).toBe('held');

    const page = await signedIn(tenant.adminToken);
    await page.goto(`${base}/#/log?status=held`);
    const row = page.locator(`#log-table tr[data-log-id="${held.body.log_id}"]`);
    await row.getByText(/held: over the starter tier's 1 messages per day/).waitFor();
    await row.getByRole('button', { name: 'Headers of the message from erin@customer.example' }).click();
    await row.getByRole('definition').filter({ hasText: 'Over the limit' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: /Download the message from erin/ }).click()]);
    expect(download.suggestedFilename()).toBe(`message-${held.body.log_id}.eml`);
    expect(readFileSync((await download.path())!, 'utf8')).toContain('Subject: Over the limit');

    await page.goto(`${base}/#/team`);
    await page.getByText(/Messages today: limit reached \(1 of 1\)/).waitFor();

    await page.goto(`${base}/#/log?status=held`);
    await page.getByRole('button', { name: 'Release the held message from erin@customer.example' }).click();
    await page.getByRole('button', { name: 'Release the held message from erin@customer.example' }).waitFor({ state: 'detached' });
    const tickets = await t.http().get('/api/tickets?q=Over the limit').set(tenant.agent).expect(200);
    expect(tickets.body.total).toBe(1);
  });

  it('platform admin: finds unrouted mail under All mail and assigns it to a tenant', async () => {
    const tenant = await createTenantWithTokens(t, 'Assign UI Co');
    const lost = await postSigned(t, buildMail({ from: 'frank@customer.example', to: 'suport@mail.test', subject: 'Typo in the address' })).expect(200);
    const page = await signedIn(ADMIN_TOKEN);
    await page.getByRole('link', { name: 'All mail' }).click();
    await page.getByLabel('Tenant', { exact: true }).selectOption('none');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/tenant_id=none/);
    const row = page.locator(`#operator-log-table tr[data-log-id="${lost.body.log_id}"]`);
    await row.getByText('Typo in the address').waitFor();
    await row.getByLabel('Tenant for the message from frank@customer.example').selectOption(String(tenant.id));
    await row.getByRole('button', { name: 'Assign and reprocess the message from frank@customer.example' }).click();
    // The log reloads: the row is marked reprocessed and offers nothing more.
    await row.getByText('Reprocessed').waitFor();
    await expect(row.getByRole('button').count()).resolves.toBe(0);
    const tickets = await t.http().get('/api/tickets').set(tenant.agent).expect(200);
    expect(tickets.body.data.map((x: { subject: string }) => x.subject)).toEqual(['Typo in the address']);
  });

  it('platform admin: overrides a tenant\'s limits on its page, and empties one back to the tier\'s', async () => {
    const tenant = await createTenantWithTokens(t, 'Limits UI Co', { tier: 'starter' });
    const page = await signedIn(ADMIN_TOKEN);
    await page.goto(`${base}/#/tenants/${tenant.id}`);
    await page.getByRole('heading', { name: 'Limits of this tenant' }).waitFor();
    await page.getByLabel('Messages per day').fill('7');
    await page.getByLabel('Users', { exact: true }).fill('lots');
    await page.getByRole('button', { name: 'Save limits' }).click();
    await page.getByText(/Users: a whole number/).waitFor();
    await page.getByLabel('Users', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Save limits' }).click();
    await page.locator('.usage-list').getByText('0 of 7').waitFor();
    const saved = await t.http().get(`/api/tenants/${tenant.id}`).set(t.admin).expect(200);
    expect(saved.body).toMatchObject({ max_messages_per_day: 7, max_users: 25, overrides: { max_messages_per_day: 7, max_users: null } });
  });
});
