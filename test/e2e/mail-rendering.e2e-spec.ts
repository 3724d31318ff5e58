// Faithful, safe rendering in Debian's Chromium: a golden set of real-world HTML mails (Outlook,
// Gmail, Apple Mail with an inline picture, a multipart/related mail, a hand-written newsletter)
// compared pixel by pixel with committed PNGs, and the facts an agent relies on: the sender's
// styles apply, cid: pictures show, remote images wait for "Load images", links open a new tab
// without opener, text addresses are links, attachments have previews.
// UPDATE_GOLDENS=1 rewrites the goldens; WEB_UI_SCREENSHOTS=1 also writes the README screenshot.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { buildHtmlMail, tinyPdf } from '../support/html-mail';
import { postSigned } from '../support/mail';
import { solidPng } from '../support/png';
import { createTenantWithTokens, startTestApp, TestApp } from '../support/test-app';
import { computedStyle, decodedWidth, pixelDifference } from '../support/pixel-diff';
import { signInWithToken } from '../support/browser-sign-in';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync', '--disable-quic', '--font-render-hinting=none'];
const GOLDENS = join(__dirname, '..', 'fixtures', 'rendering-goldens');
const CORPUS = join(__dirname, '..', 'fixtures', 'corpus');
const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');
/** Share of pixels that may differ (anti-aliasing, a font hinting change) before a golden fails. */
const TOLERANCE = 0.005;

const LOGO = solidPng(120, 40, [36, 89, 200]);
const BANNER = solidPng(300, 60, [16, 185, 129]);
const PHOTO = solidPng(64, 48, [240, 160, 40]);

/** The hand-written newsletter: the colour pairs, pictures and links the facts below check. */
function newsletter(to: string): Buffer {
  return buildHtmlMail({
    to,
    from: 'Nina Newsletter <news@shop.example>',
    subject: 'Autumn sale: 30 % off',
    date: 'Tue, 01 Dec 2026 09:15:00 +0100',
    text: 'Our autumn sale: https://shop.example/sale?id=1\n\nQuestions? Write to help@shop.com.',
    html: [
      '<table width="100%" cellpadding="12" cellspacing="0">',
      '<tr><td bgcolor="#111827"><img src="cid:logo@shop.example" alt="Shop logo" width="120" height="40"> <span style="color:#fbbf24;font-size:20px;font-weight:bold">Autumn sale</span></td></tr>',
      '<tr><td style="background-color:#f3f4f6;padding:16px"><p style="font-family:Georgia,serif;font-size:16px">Everything <b>30 % off</b> until Sunday.</p>',
      '<ol><li>Pick what you like</li><li>Use the code <code>AUTUMN</code></li></ol>',
      '<p><img src="https://cdn.shop.example/banner.png" alt="Banner" width="300" height="60"></p>',
      '<p><a href="https://shop.example/sale" style="color:#2563eb">Shop now</a></p></td></tr>',
      '<tr><td align="center" style="color:#6b7280;font-size:12px">You get this mail because you asked for it.</td></tr></table>',
    ].join('\n'),
    inline: [{ contentType: 'image/png', contentId: 'logo@shop.example', filename: 'logo.png', content: LOGO }],
    attachments: [
      { contentType: 'image/png', filename: 'photo.png', content: PHOTO },
      { contentType: 'application/pdf', filename: 'catalogue.pdf', content: tinyPdf('Autumn catalogue') },
    ],
  });
}

const REAL_WORLD = [
  { name: 'outlook', file: 'replies/zammad__mail003.eml' },
  { name: 'gmail', file: 'replies/talon__gmail.eml' },
  { name: 'apple-mail-inline-image', file: 'attachments/zammad__mail080.eml' },
  { name: 'multipart-related-inline-image', file: 'multipart/zammad__mail079.eml' },
  { name: 'outlook-french-order', file: 'charsets/zammad__mail072.eml' },
];

describe('mail rendering in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let tenant: Awaited<ReturnType<typeof createTenantWithTokens>>;
  const tickets = new Map<string, number>();
  const contexts: BrowserContext[] = [];
  const remoteRequests: string[] = [];

  async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC', deviceScaleFactor: 1 });
    contexts.push(context);
    // Nothing leaves the machine: remote images and link targets are answered here, and counted.
    await context.route('https://**/*', (route) => {
      remoteRequests.push(route.request().url());
      const url = new URL(route.request().url());
      return url.pathname.endsWith('.png')
        ? route.fulfill({ status: 200, contentType: 'image/png', body: BANNER })
        : route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Shop</title><p>The shop</p>' });
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    return page;
  }

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${base}/`);
    await signInWithToken(page, tenant.agentToken);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  async function frameUrl(name: string): Promise<string> {
    const ticket = await t.http().get(`/api/tickets/${tickets.get(name)}`).set(tenant.agent).expect(200);
    const url = ticket.body.messages[0].html_frame_url;
    expect(url).toEqual(expect.any(String));
    return `${base}${url}`;
  }

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    tenant = await createTenantWithTokens(t, 'Render', { tier: 'enterprise' });
    const mails: [string, Buffer][] = [
      ['newsletter', newsletter(tenant.inboundAddress)],
      ...REAL_WORLD.map(({ name, file }): [string, Buffer] => {
        const raw = readFileSync(join(CORPUS, file));
        const newline = raw.includes('\r\n') ? '\r\n' : '\n';
        return [name, Buffer.concat([Buffer.from(`Delivered-To: ${tenant.inboundAddress}${newline}`), raw])];
      }),
    ];
    for (const [name, raw] of mails) {
      const res = await postSigned(t, raw).expect(200);
      expect([name, res.body.outcome]).toEqual([name, 'created']);
      tickets.set(name, res.body.ticket_id);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
  });

  it.each(['newsletter', ...REAL_WORLD.map((m) => m.name)])('renders %s as its golden PNG', async (name) => {
    const page = await newPage({ width: 800, height: 600 });
    await page.goto(await frameUrl(name));
    await page.evaluate('document.fonts.ready.then(() => undefined)');
    // Every picture the page may show (its inline cid: parts) decodes.
    for (const img of await page.locator('img[src]').all()) await expect(img.evaluate(decodedWidth)).resolves.toBeGreaterThan(0);
    const shot = await page.screenshot({ fullPage: true });
    const golden = join(GOLDENS, `${name}.png`);
    if (process.env.UPDATE_GOLDENS === '1' || !existsSync(golden)) {
      if (process.env.UPDATE_GOLDENS !== '1') throw new Error(`no golden ${golden}: run with UPDATE_GOLDENS=1 and review it`);
      mkdirSync(GOLDENS, { recursive: true });
      writeFileSync(golden, shot);
      return;
    }
    const diff = await pixelDifference(await newPage(), readFileSync(golden), shot);
    expect({ name, sameSize: diff.sameSize }).toEqual({ name, sameSize: true });
    expect(diff.differingShare).toBeLessThanOrEqual(TOLERANCE);
  });

  it('applies the sender’s styles and readable colour pairs, shows cid: pictures, and loads remote images only when asked', async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${base}/#/tickets/${tickets.get('newsletter')}`);
    await page.getByRole('heading', { name: 'Autumn sale: 30 % off' }).waitFor();

    const date = page.locator('article.message time').first();
    await expect(date.getAttribute('datetime')).resolves.toBe('2026-12-01T08:15:00.000Z');
    await expect(date.getAttribute('title')).resolves.toMatch(/^Arrived /);

    const textLink = page.locator('.message-body a', { hasText: 'https://shop.example/sale?id=1' });
    await expect(textLink.getAttribute('href')).resolves.toBe('https://shop.example/sale?id=1');
    await expect(textLink.getAttribute('rel')).resolves.toContain('noopener noreferrer');
    await expect(page.locator('.message-body a', { hasText: 'help@shop.com' }).getAttribute('href')).resolves.toBe('mailto:help@shop.com');

    await page.getByRole('button', { name: 'Show formatted e-mail' }).click();
    const frame = page.frameLocator('iframe.html-frame');
    const headline = frame.locator('span', { hasText: 'Autumn sale' });
    await headline.waitFor();
    await expect(headline.evaluate(computedStyle, 'color')).resolves.toBe('rgb(251, 191, 36)');
    await expect(headline.evaluate(computedStyle, 'font-size')).resolves.toBe('20px');
    await expect(frame.locator('td[bgcolor="#111827"]').evaluate(computedStyle, 'background-color')).resolves.toBe('rgb(17, 24, 39)');
    await expect(frame.locator('td[bgcolor="#111827"]').evaluate(computedStyle, 'color')).resolves.toBe('rgb(255, 255, 255)');
    const logo = frame.locator('img[alt="Shop logo"]');
    await expect(logo.evaluate(decodedWidth)).resolves.toBe(120);

    const banner = frame.locator('img[alt="Banner"]');
    await expect(banner.getAttribute('src')).resolves.toBeNull();
    expect(remoteRequests.filter((url) => url.includes('cdn.shop.example'))).toEqual([]);
    await page.getByRole('button', { name: 'Load images', exact: true }).click();
    await expect(page.locator('iframe.html-frame').getAttribute('src')).resolves.toMatch(/\?images=1$/);
    const loaded = page.frameLocator('iframe.html-frame').locator('img[alt="Banner"]');
    await expect(loaded.evaluate(decodedWidth)).resolves.toBe(300);
    expect(remoteRequests.filter((url) => url.includes('cdn.shop.example'))).toEqual(['https://cdn.shop.example/banner.png']);
  });

  it('opens a mail’s link in a new tab without opener or referrer, its target shown on hover', async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${base}/#/tickets/${tickets.get('newsletter')}`);
    await page.getByRole('button', { name: 'Show formatted e-mail' }).click();
    const link = page.frameLocator('iframe.html-frame').locator('a', { hasText: 'Shop now' });
    await expect(link.getAttribute('target')).resolves.toBe('_blank');
    await expect(link.getAttribute('rel')).resolves.toBe('noopener noreferrer nofollow');
    await expect(link.getAttribute('title')).resolves.toBe('https://shop.example/sale');
    const [popup] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await popup.waitForLoadState();
    expect(popup.url()).toBe('https://shop.example/sale');
    await expect(popup.evaluate('window.opener === null && document.referrer === ""')).resolves.toBe(true);
    expect(page.url()).toContain(`#/tickets/${tickets.get('newsletter')}`);
  });

  it('remembers "always load images from this sender" for the tenant', async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${base}/#/tickets/${tickets.get('newsletter')}`);
    await page.getByRole('button', { name: 'Show formatted e-mail' }).click();
    await page.getByRole('button', { name: 'Always load images from news@shop.example' }).click();
    await page.getByText('Images from news@shop.example now load for everyone on the team.').waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Show formatted e-mail' }).click();
    await expect(page.locator('iframe.html-frame').getAttribute('src')).resolves.toMatch(/\?images=1$/);
    await page.getByText('Images from news@shop.example load automatically.').waitFor();
    if (process.env.WEB_UI_SCREENSHOTS) {
      await page.frameLocator('iframe.html-frame').locator('img[alt="Banner"]').evaluate(decodedWidth);
      await page.locator('article.message').first().screenshot({ path: join(SCREENSHOTS, 'ticket-formatted-mail.png') });
    }
    await page.getByRole('button', { name: 'Stop loading them' }).click();
    await page.getByRole('button', { name: 'Load images', exact: true }).waitFor();
    await expect((await t.http().get('/api/remote-image-senders').set(tenant.agent).expect(200)).body).toEqual({ data: [] });
  });

  it('fits a phone: the formatted mail, its image bar and the previews scroll nothing sideways', async () => {
    const page = await newPage({ width: 390, height: 844 });
    await signIn(page);
    await page.goto(`${base}/#/tickets/${tickets.get('newsletter')}`);
    await page.getByRole('button', { name: 'Show formatted e-mail' }).click();
    await page.getByRole('button', { name: 'Load images', exact: true }).waitFor();
    await page.frameLocator('iframe.html-frame').locator('span', { hasText: 'Autumn sale' }).waitFor();
    await expect(page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(390);
  });

  it('previews image and PDF attachments in a lightbox', async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${base}/#/tickets/${tickets.get('newsletter')}`);
    const thumb = page.getByRole('button', { name: 'Preview photo.png' });
    await expect(thumb.locator('img').evaluate(decodedWidth)).resolves.toBe(64);
    await thumb.click();
    const dialog = page.getByRole('dialog', { name: 'photo.png' });
    await expect(dialog.locator('img.lightbox-image').evaluate(decodedWidth)).resolves.toBe(64);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Preview catalogue.pdf' }).click();
    const pdf = page.getByRole('dialog', { name: 'catalogue.pdf' });
    await expect(pdf.locator('iframe.lightbox-pdf').getAttribute('src')).resolves.toMatch(/^blob:/);
    await page.keyboard.press('Escape');
    await pdf.waitFor({ state: 'detached' });
    await expect(page.getByRole('button', { name: /^Download catalogue\.pdf/ }).isVisible()).resolves.toBe(true);
  });
});
