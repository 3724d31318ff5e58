// The sender-authentication badge (issue 19) in Debian's Chromium, beside the sender of each
// inbound message: verified, not verified, or no badge for mail filed before verdicts existed.
import { AddressInfo } from 'node:net';
import { Browser, chromium, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { buildMail, postSigned } from '../support/mail';
import { createTenantWithTokens, startTestApp, TestApp } from '../support/test-app';
import { signInWithToken } from '../support/browser-sign-in';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'];

describe('the sender-authentication badge in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let tenant: Awaited<ReturnType<typeof createTenantWithTokens>>;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    t.dns.txt('_dmarc.customer.example', 'v=DMARC1; p=reject');
    tenant = await createTenantWithTokens(t, 'Badges');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openTicket(subject: string, headers: Record<string, string>): Promise<Page> {
    await postSigned(t, buildMail({ to: tenant.inboundAddress, from: 'Ann <ann@customer.example>', subject, headers })).expect(200);
    const page = await (await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' })).newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}/`);
    await signInWithToken(page, tenant.agentToken);
    await page.getByRole('link', { name: new RegExp(subject) }).click();
    await page.getByRole('heading', { name: subject }).waitFor();
    return page;
  }

  it('shows "Sender verified" with the checks on hover for a pass', async () => {
    const page = await openTicket('Verified by our MTA', { 'Authentication-Results': 'mail.test; dkim=pass header.d=customer.example; dmarc=pass header.from=customer.example' });
    const badge = page.locator('article.message [data-sender-auth]');
    await expect(badge.textContent()).resolves.toBe('Sender verified');
    await expect(badge.getAttribute('title')).resolves.toContain('dmarc=pass');
    await page.context().close();
  });

  it('shows "Sender not verified" for a forged From, and nothing for mail filed before verdicts', async () => {
    const page = await openTicket('Forged sender', {});
    await expect(page.locator('article.message [data-sender-auth]').textContent()).resolves.toBe('Sender not verified');
    await page.context().close();

    const old = await openTicket('Old mail', {});
    await t.app.get(DataSource).query('UPDATE ticket_messages SET sender_auth = NULL, sender_auth_details = NULL WHERE subject = ?', ['Old mail']);
    await old.reload();
    await old.getByRole('heading', { name: 'Old mail' }).waitFor();
    await old.locator('article.message').first().waitFor();
    await expect(old.locator('article.message [data-sender-auth]').count()).resolves.toBe(0);
    await old.context().close();
  });
});
