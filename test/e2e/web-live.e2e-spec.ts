// The live and triage parts of the web UI in Debian's Chromium (playwright-core) against the real app
// on SQLite: live updates in an open page, the keyboard flow, the filters, deep links, the phone
// layout and the dark theme. WEB_UI_SCREENSHOTS=1 writes the screenshots to docs/screenshots/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, BrowserContextOptions, chromium, Page } from 'playwright-core';
import { buildMail, postSigned } from '../support/mail';
import { createTenantWithTokens, startTestApp, TestApp } from '../support/test-app';
import { signInWithToken } from '../support/browser-sign-in';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync', '--disable-quic'];
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const SHOTS = process.env.WEB_UI_SCREENSHOTS ? join(__dirname, '..', '..', 'docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'inbound-shots-'));
const LONG_SUBJECT = 'The quarterly invoice for the Rotterdam warehouse lists every pallet twice';

type Tenant = Awaited<ReturnType<typeof createTenantWithTokens>>;

/**
 * Waits until `expression` is true in the page. Evaluated over the DevTools protocol: the page's
 * CSP forbids the in-page eval that waitForFunction uses for a string.
 */
async function until(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('web UI: live updates and triage in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let acme: Tenant;
  const contexts: BrowserContext[] = [];
  const ticketIds: number[] = [];

  async function newPage(viewport = LAPTOP, options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC', ...options });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    return page;
  }

  async function signIn(page: Page, token: string, at = '/'): Promise<void> {
    await page.goto(`${base}${at}`);
    await signInWithToken(page, token);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
  const subjects = (page: Page) => page.locator('.ticket-row .subject').allTextContents();
  const fileMail = async (subject: string, extra: Partial<Parameters<typeof buildMail>[0]> = {}) =>
    (await postSigned(t, buildMail({ to: acme.inboundAddress, subject, ...extra })).expect(200)).body.ticket_id as number;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp('sqlite', { EVENTS_POLL_MS: '100' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    acme = await createTenantWithTokens(t, 'Acme');
    const mails = [
      { from: 'Dana Scully <dana@fbi.example>', subject: 'Invoice 2024-113 shows the wrong VAT number', body: 'Hello,\n\nthe VAT number on invoice 2024-113 is the old one.' },
      { from: 'Hiro Nakamura <hiro@yamagato.example>', subject: 'Cannot log in since the update', body: 'Since this morning the login page says my password is wrong.' },
      { from: 'Ellen Ripley <ripley@weyland.example>', subject: LONG_SUBJECT, body: 'Every pallet appears twice on page 3.' },
    ];
    for (const [i, mail] of mails.entries()) {
      ticketIds.push(await fileMail(mail.subject, { ...mail, date: new Date(Date.now() - (10 - i) * 60_000).toUTCString() }));
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    if (!process.env.WEB_UI_SCREENSHOTS) rmSync(SHOTS, { recursive: true, force: true });
  });

  it('shows a mail filed while the page is open: the row appears, the title counts it, and a message reaches the open ticket', async () => {
    const page = await newPage();
    await signIn(page, acme.agentToken);
    await page.locator('.live-state.live').waitFor();
    await until(page, "document.title === '(3) Tickets · Inbound'");

    const liveTicket = await fileMail('Arrived while you were looking', { messageId: '<live-1@example.com>', body: 'Is anyone there?\nSecond line' });
    const row = page.locator(`.ticket-row[data-ticket-id="${liveTicket}"]`);
    await row.waitFor();
    await expect(row.locator('.preview').textContent()).resolves.toBe('Is anyone there?');
    await expect(subjects(page)).resolves.toHaveLength(4);
    await until(page, "document.title === '(4) Tickets · Inbound'");

    await row.click();
    await page.getByRole('heading', { name: 'Arrived while you were looking' }).waitFor();
    await expect(page.locator('article.message').count()).resolves.toBe(1);
    await fileMail('Re: Arrived while you were looking', { inReplyTo: '<live-1@example.com>', body: 'Hello? Still waiting.' });
    await page.locator('article.message').nth(1).waitFor();
    await expect(page.locator('article.message').nth(1).textContent()).resolves.toContain('Still waiting.');
  });

  it('triages with the keyboard: j/k move, Enter opens, r replies, / searches, with the keys shown', async () => {
    const page = await newPage();
    await signIn(page, acme.agentToken);
    await expect(page.locator('.key-hint').textContent()).resolves.toMatch(/j \/ k move · Enter open · r reply · \/ search/);
    const rows = page.locator('.ticket-row');
    await rows.first().waitFor();
    const focusedTicket = () => page.evaluate<string | null>('document.activeElement?.dataset.ticketId ?? null');
    const ids = await rows.evaluateAll((links) => links.map((a) => a.getAttribute('data-ticket-id')));

    await page.keyboard.press('j');
    await expect(focusedTicket()).resolves.toBe(ids[0]);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await expect(focusedTicket()).resolves.toBe(ids[2]);
    await expect(rows.nth(2).getAttribute('class')).resolves.toContain('selected');
    await page.keyboard.press('k');
    await expect(focusedTicket()).resolves.toBe(ids[1]);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`#/tickets/${ids[1]}$`));
    await page.locator('article.message').first().waitFor();
    await page.keyboard.press('r');
    await expect(page.evaluate<string>('document.activeElement?.id')).resolves.toBe('reply-body');
    await page.keyboard.type('j and k are text here');
    await expect(page.locator('#reply-body').inputValue()).resolves.toBe('j and k are text here');

    await page.goBack();
    await rows.first().waitFor();
    await page.keyboard.press('/');
    await expect(page.evaluate<string>('document.activeElement?.id')).resolves.toBe('ticket-search');
    await page.keyboard.type('VAT');
    await page.keyboard.press('Enter');
    await until(page, "document.querySelectorAll('.ticket-row').length === 1");
    await expect(subjects(page)).resolves.toEqual(['Invoice 2024-113 shows the wrong VAT number']);
    await page.locator('#ticket-search').blur();
    await page.keyboard.press('r');
    await page.waitForURL(new RegExp(`#/tickets/${ticketIds[0]}\\?reply=1$`));
    await until(page, "document.activeElement?.id === 'reply-body'");
  });

  it('filters by status with the arrow keys without losing focus, sorts, and refetches on Tickets', async () => {
    const page = await newPage();
    await signIn(page, acme.agentToken);
    await page.locator('.ticket-row').first().waitFor();
    await t.http().patch(`/api/tickets/${ticketIds[1]}`).set(acme.agent).send({ status: 'pending' }).expect(200);

    await page.locator('#ticket-status').focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForURL(/status=open/);
    await page.keyboard.press('ArrowDown');
    await page.waitForURL(/status=pending/);
    await expect(page.evaluate<string>('document.activeElement?.id')).resolves.toBe('ticket-status');
    await until(page, "[...document.querySelectorAll('.ticket-row .subject')].map((s) => s.textContent).join('|') === 'Cannot log in since the update'");

    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Sort').selectOption('waiting');
    await page.waitForURL(/sort=waiting/);
    await until(page, "document.querySelector('.ticket-row .subject')?.textContent === 'Invoice 2024-113 shows the wrong VAT number'");

    // Clicking Tickets on the ticket list loads it again.
    await page.goto(`${base}/#/tickets`);
    await page.locator('.ticket-row').first().waitFor();
    const [listed] = await Promise.all([
      page.waitForRequest((request) => /\/api\/tickets\?/.test(request.url())),
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tickets' }).click(),
    ]);
    expect(new URL(listed.url()).searchParams.get('page')).toBe('1');
  });

  it('keeps a deep link through the sign-in', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/tickets/${ticketIds[2]}`);
    await page.getByRole('heading', { name: 'Sign in to Inbound' }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/signin?next=${encodeURIComponent(`/tickets/${ticketIds[2]}`)}`);
    await signInWithToken(page, acme.agentToken);
    await page.getByRole('heading', { name: LONG_SUBJECT }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/tickets/${ticketIds[2]}`);

    const outside = await newPage();
    await outside.goto(`${base}/#/signin?next=${encodeURIComponent('//evil.example/x')}`);
    await signInWithToken(outside, acme.agentToken);
    await outside.getByRole('heading', { name: 'Tickets' }).waitFor();
    expect(new URL(outside.url()).hash).toBe('#/tickets');
  });

  it('fits a phone (390×844): whole subjects, the current nav item in sight, tables as cards with their actions', async () => {
    const page = await newPage(PHONE);
    await signIn(page, acme.adminToken);
    const long = page.locator('.ticket-row .subject', { hasText: LONG_SUBJECT });
    await long.waitFor();
    const fits = await long.evaluate((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= el.ownerDocument.documentElement.clientWidth);
    expect(fits).toBe(true);
    await expect(long.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).whiteSpace)).resolves.toBe('normal');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team & usage' }).click();
    const current = page.locator('nav a[aria-current="page"]');
    await expect(current.textContent()).resolves.toBe('Team & usage');
    const box = (await current.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);

    const revoke = page.locator('#tokens-table').getByRole('button', { name: /Revoke/ }).first();
    await revoke.waitFor();
    const button = (await revoke.boundingBox())!;
    expect(button.x + button.width).toBeLessThanOrEqual(PHONE.width);
    await expect(page.locator('#tokens-table td[data-label="Action"]').count()).resolves.toBeGreaterThan(0);
    await page.locator('#tokens-table').scrollIntoViewIfNeeded();
    await shot(page, 'phone-team');
  });

  it('follows a dark system theme', async () => {
    const page = await newPage(LAPTOP, { colorScheme: 'dark' });
    await signIn(page, acme.agentToken);
    await page.locator('.ticket-row').first().waitFor();
    const background = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    expect(r + g + b).toBeLessThan(120);
    await shot(page, 'ticket-list-dark');
  });
});
