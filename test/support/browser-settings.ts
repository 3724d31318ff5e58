import { Page } from 'playwright-core';

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
