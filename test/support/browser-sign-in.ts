import { Page } from 'playwright-core';

/** Signs the page in with an API token through the sign-in page's token form (people use e-mail and password). */
export async function signInWithToken(page: Page, token: string): Promise<void> {
  await page.getByRole('button', { name: 'Use an API token instead' }).click();
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
