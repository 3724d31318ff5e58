import { Browser, BrowserContext, Page } from 'playwright-core';
import { signInWithToken } from './browser-sign-in';

/** A fresh desktop-sized context signed in with an API token, opened on the e-mail settings page. */
export async function openSettingsSignedIn(
  browser: Browser,
  base: string,
  token: string,
  options: { timeoutMs?: number; acceptDownloads?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'UTC', acceptDownloads: options.acceptDownloads });
  const page = await context.newPage();
  page.setDefaultTimeout(options.timeoutMs ?? 15_000);
  await page.goto(`${base}/`);
  await signInWithToken(page, token);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.goto(`${base}/#/settings`);
  return { context, page };
}

/** Reloads the e-mail settings page until `text` shows (its mailbox list is read when the page opens). */
export async function reloadSettingsUntil(page: Page, text: string | RegExp, attempts = 80): Promise<void> {
  for (let i = 0; ; i++) {
    if (await page.getByText(text).first().isVisible()) return;
    if (i > attempts) throw new Error(`"${text}" did not show`);
    await page.waitForTimeout(250);
    await page.reload();
    await page.getByRole('heading', { name: 'E-mail settings' }).waitFor();
  }
}
