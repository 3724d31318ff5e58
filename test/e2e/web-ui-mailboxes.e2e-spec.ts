// Issue 18 in the browser: a tenant admin connects a password IMAP mailbox from the settings
// page, sees a refused login as "needs your password" (there and as a notice on every page),
// reconnects, and the mailbox's mail becomes tickets. Against a private Dovecot.
import { AddressInfo } from 'node:net';
import { Browser } from 'playwright-core';
import { numberedMails, waitUntilFiled } from '../support/filing';
import { PrivateDovecot, startPrivateDovecot } from '../support/private-dovecot';
import { createTenantWithTokens, startTestApp, TestApp } from '../support/test-app';
import { launchChromium } from '../support/chromium';
import { openSettingsSignedIn, reloadSettingsUntil } from '../support/browser-settings';

jest.setTimeout(60_000);

describe('web UI: tenant mailboxes, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let dovecot: PrivateDovecot;
  let base: string;

  beforeAll(async () => {
    dovecot = startPrivateDovecot('uimbx', 1);
    t = await startTestApp('sqlite', { EGRESS_ALLOWED_HOSTS: '127.0.0.1', IMAP_LEASE_SECONDS: '3' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    dovecot?.down();
  });

  it('connects, shows a refused login on every page, reconnects, and the mail becomes tickets', async () => {
    const tenant = await createTenantWithTokens(t, 'Mailbox UI Co', { tier: 'enterprise' });
    const mails = numberedMails('help@mailbox-ui.example', 3, 'ui-mailbox');
    await dovecot.append(1, mails.map((m) => m.raw));

    const { context, page } = await openSettingsSignedIn(browser, base, tenant.adminToken, { timeoutMs: 10_000 });
    await page.getByText('No mailbox connected yet.').waitFor();

    await page.getByRole('button', { name: 'Connect an IMAP mailbox…' }).click();
    await page.getByLabel('IMAP server').fill('127.0.0.1');
    await page.locator('#mailbox-new-port').fill(String(dovecot.port));
    await page.locator('#mailbox-new-security').selectOption('none');
    await page.locator('#mailbox-new-username').fill(dovecot.user(1));
    await page.locator('#mailbox-new-password').fill('not-the-password');
    await page.getByRole('button', { name: 'Connect mailbox' }).click();
    await page.getByText('Connected. Its state shows above within seconds.').waitFor();

    await reloadSettingsUntil(page, 'needs your password');
    await page.getByText(/login refused/).first().waitFor();
    await page.goto(`${base}/#/tickets`);
    await page.getByText(`The mailbox ${dovecot.user(1)} is not read: it needs you to sign in again.`).waitFor();
    await page.getByRole('link', { name: 'Open the e-mail settings' }).click();

    await page.locator('.mailbox input[type=password]').fill('secret');
    await page.getByRole('button', { name: 'Reconnect' }).click();
    await page.getByText('Saved. The mailbox is read again from where it stopped.').waitFor();
    await waitUntilFiled(t, mails.map((m) => m.messageId));
    await reloadSettingsUntil(page, 'connected');
    await page.getByText(/is not read/).waitFor({ state: 'detached' }).catch(async (error) => {
      console.log(await page.locator('body').innerText(), JSON.stringify((await t.http().get('/api/email-settings/mailboxes').set(tenant.admin)).body));
      throw error;
    });
    await context.close();
  });
});
