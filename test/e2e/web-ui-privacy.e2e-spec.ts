// Retention and erasure in the browser: a tenant admin sets how long mail is kept, downloads one
// customer's data as a zip, and erases it (only after ticking that it cannot be undone).
import { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { Browser } from 'playwright-core';
import { buildMail, postSigned } from '../support/mail';
import { openSettingsSignedIn } from '../support/browser-settings';
import { launchChromium } from '../support/chromium';
import { createTenantWithTokens, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(60_000);

describe('web UI: privacy settings, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sets the retention periods, exports a customer’s data and erases it', async () => {
    const tenant = await createTenantWithTokens(t, 'Privacy Co');
    const customer = 'jane.doe@customer.example';
    await postSigned(t, buildMail({ from: `Jane Doe <${customer}>`, to: tenant.inboundAddress, subject: 'Please forget me' })).expect(200);
    expect((await t.http().get('/api/tickets').set(tenant.agent).expect(200)).body.data).toHaveLength(1);

    const { context, page } = await openSettingsSignedIn(browser, base, tenant.adminToken, { acceptDownloads: true });
    await page.getByRole('heading', { name: 'Privacy' }).waitFor();

    await page.getByLabel('Closed tickets without activity').fill('0');
    await page.getByRole('button', { name: 'Save retention' }).click();
    await page.getByText(/Closed tickets without activity: a whole number of days/).waitFor();
    await page.getByLabel('Closed tickets without activity').fill('400');
    await page.getByLabel('Raw messages (.eml)').fill('90');
    await page.getByRole('button', { name: 'Save retention' }).click();
    await page.getByText('Saved: the hourly retention run applies them.').waitFor();
    expect((await t.http().get('/api/retention-policy').set(tenant.admin).expect(200)).body).toEqual({ raw_message_days: 90, processing_log_days: null, closed_ticket_days: 400 });

    await page.getByLabel('Customer’s e-mail address').fill(customer);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download their data' }).click()]);
    expect(download.suggestedFilename()).toBe(`export-${customer}.zip`);
    expect(readFileSync((await download.path())!).subarray(0, 2).toString()).toBe('PK');

    await page.getByRole('button', { name: 'Erase' }).click();
    await page.getByText('Tick the box first: erasing cannot be undone.').waitFor();
    expect((await t.http().get('/api/tickets').set(tenant.agent).expect(200)).body.data).toHaveLength(1);
    await page.getByLabel(/I have downloaded what I need/).check();
    await page.getByRole('button', { name: 'Erase' }).click();
    await page.getByText(`Erased for ${customer}: 1 ticket(s), 1 message(s)`, { exact: false }).waitFor();
    expect((await t.http().get('/api/tickets').set(tenant.agent).expect(200)).body.data).toHaveLength(0);
    await context.close();
  });
});
