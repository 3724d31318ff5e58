// Issue 18 in the browser: a tenant admin clicks "Connect Microsoft 365", signs in and consents at
// the provider (oidc-provider on loopback standing in for Microsoft), comes back to the settings,
// and the mailbox's mail becomes tickets (Dovecot checks the XOAUTH2 token at the provider). The
// grant is then revoked: the UI says so on every page, and "Reconnect" resumes with nothing doubled.
import { Browser, Page } from 'playwright-core';
import { expectEachFiledOnce, numberedMails, waitUntilFiled } from '../support/filing';
import { OAuthMailProvider, startOAuthMailProvider } from '../support/oauth-mail-provider';
import { freePort } from '../support/oidc-provider';
import { PrivateDovecot, startPrivateDovecot } from '../support/private-dovecot';
import { createTenantWithTokens, startTestApp, TestApp } from '../support/test-app';
import { launchChromium } from '../support/chromium';
import { openSettingsSignedIn, reloadSettingsUntil } from '../support/browser-settings';

jest.setTimeout(90_000);

describe('web UI: connecting a Microsoft 365 mailbox, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let provider: OAuthMailProvider;
  let dovecot: PrivateDovecot;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    provider = await startOAuthMailProvider({ redirectUri: `${base}/api/email-settings/mailboxes/oauth/callback`, accessTokenTtlSeconds: 6 });
    dovecot = startPrivateDovecot('uioauth', 1, { oauth2IntrospectionUrl: provider.dovecotIntrospectionUrl });
    t = await startTestApp(
      'sqlite',
      {
        PUBLIC_URL: base,
        EGRESS_ALLOWED_HOSTS: '127.0.0.1',
        IMAP_LEASE_SECONDS: '3',
        OAUTH_MICROSOFT_CLIENT_ID: provider.clientId,
        OAUTH_MICROSOFT_CLIENT_SECRET: provider.clientSecret,
        OAUTH_MICROSOFT_AUTHORIZE_URL: provider.authorizeUrl,
        OAUTH_MICROSOFT_TOKEN_URL: provider.tokenUrl,
        OAUTH_MICROSOFT_IMAP_URL: `imap://${dovecot.host}:${dovecot.port}`,
      },
      { port },
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    dovecot?.down();
    await provider?.close();
  });

  /** At the provider: its sign-in page (unless its session remembers us), then consent, until back at the settings. */
  async function signInAtProvider(page: Page, login: string): Promise<void> {
    await page.waitForURL((url) => !url.toString().startsWith(base));
    for (let i = 0; i < 10 && !page.url().startsWith(base); i++) {
      const signIn = page.locator('input[name="login"]');
      const consent = page.getByRole('button', { name: 'Continue' });
      await signIn.or(consent).first().waitFor();
      if (await signIn.isVisible()) {
        await signIn.fill(login);
        await page.locator('input[name="password"]').fill('any password');
        await page.getByRole('button', { name: 'Sign-in' }).click();
      } else {
        await consent.click();
      }
      await page.waitForURL((url) => url.toString().startsWith(base) || url.pathname.startsWith('/interaction'));
    }
    await page.getByRole('heading', { name: 'E-mail settings' }).waitFor();
  }

  it('connects at the provider, files the mail, shows a revoked grant and reconnects', async () => {
    const tenant = await createTenantWithTokens(t, 'OAuth UI Co', { tier: 'enterprise' });
    const { context, page } = await openSettingsSignedIn(browser, base, tenant.adminToken);
    await page.getByText('No mailbox connected yet.').waitFor();
    await page.getByRole('button', { name: 'Connect Google' }).waitFor({ state: 'detached' }); // no platform app for Google here

    await page.getByRole('button', { name: 'Connect Microsoft 365' }).click();
    await signInAtProvider(page, dovecot.user(1));
    await page.getByText('Connected. Mail in the mailbox becomes tickets within seconds.').waitFor();
    expect(page.url()).toBe(`${base}/#/settings`);
    await reloadSettingsUntil(page, 'connected');
    await page.getByRole('heading', { name: new RegExp(dovecot.user(1)) }).waitFor();

    const first = numberedMails('sales@wherever.example', 2, 'ui-oauth-first');
    await dovecot.append(1, first.map((m) => m.raw));
    await waitUntilFiled(t, first.map((m) => m.messageId));

    await provider.revokeAll();
    await reloadSettingsUntil(page, 'needs you to reconnect');
    await page.getByText(/invalid_grant/).first().waitFor();
    await page.goto(`${base}/#/tickets`);
    await page.getByText(`The mailbox ${dovecot.user(1)} is not read: it needs you to sign in again.`).waitFor();
    const waiting = numberedMails('sales@wherever.example', 2, 'ui-oauth-waiting');
    await dovecot.append(1, waiting.map((m) => m.raw));
    await page.getByRole('link', { name: 'Open the e-mail settings' }).click();

    await page.getByRole('button', { name: 'Reconnect at Microsoft 365' }).click();
    await signInAtProvider(page, dovecot.user(1));
    await page.getByText('Connected. Mail in the mailbox becomes tickets within seconds.').waitFor();
    await waitUntilFiled(t, waiting.map((m) => m.messageId));
    await reloadSettingsUntil(page, 'connected');
    await expectEachFiledOnce(t, [...first, ...waiting].map((m) => m.messageId));
    await context.close();
  });
});
