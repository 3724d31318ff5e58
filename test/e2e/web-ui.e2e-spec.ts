// The web UI in Debian's Chromium, driven by playwright-core against the real app on SQLite.
// Screenshots go to a temporary folder; WEB_UI_SCREENSHOTS=1 writes them to docs/screenshots/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Browser, BrowserContext, chromium, Page, Request } from 'playwright-core';
import { DataSource } from 'typeorm';
import { EmailProcessingLog } from '../../src/inbound/email-processing-log.entity';
import { RawMessageStore } from '../../src/storage/storage.module';
import { buildMail, postSigned } from '../support/mail';
import { SmtpSink, startSmtpSink } from '../support/smtp-sink';
import { DnsLookup } from '../../src/tenants/dns-lookup';
import { ADMIN_TOKEN, createTenantWithTokens, startTestApp, TestApp } from '../support/test-app';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const SHOTS = process.env.WEB_UI_SCREENSHOTS ? join(__dirname, '..', '..', 'docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'inbound-shots-'));

type Tenant = Awaited<ReturnType<typeof createTenantWithTokens>>;

/** Pages render after their API calls answer: read until the expected value shows, then assert. */
async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!isDeepStrictEqual(value, expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  expect(value).toEqual(expected);
}

function multipart(headers: string[], parts: { headers: string[]; body: string }[]): Buffer {
  const boundary = `b-${Math.random().toString(36).slice(2)}`;
  const lines = [...headers, 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${boundary}"`, ''];
  for (const part of parts) lines.push(`--${boundary}`, ...part.headers, '', part.body);
  lines.push(`--${boundary}--`, '');
  return Buffer.from(lines.join('\r\n'));
}

function htmlMail(to: string, subject: string, html: string): Buffer {
  return multipart(
    ['From: Mallory <mallory@evil.example>', `To: ${to}`, `Subject: ${subject}`, `Message-ID: <${Math.random().toString(36).slice(2)}@evil.example>`, `Date: ${new Date().toUTCString()}`],
    [
      { headers: ['Content-Type: text/plain; charset=utf-8'], body: 'Please see the invoice.' },
      { headers: ['Content-Type: text/html; charset=utf-8'], body: html },
    ],
  );
}

describe('web UI in Chromium', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let browser: Browser;
  let base: string;
  let acme: Tenant;
  let printerTicketId: number;
  const contexts: BrowserContext[] = [];

  async function newPage(viewport = LAPTOP): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC', acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    return page;
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Use an API token instead' }).click();
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    sink = await startSmtpSink();
    // EGRESS_ALLOWED_HOSTS: the SMTP sink listens on loopback, which tenants may reach only when allowed.
    t = await startTestApp('sqlite', { OUTBOX_POLL_INTERVAL_MS: '200', OUTBOUND_SMTP_TLS_VERIFY: 'false', EGRESS_ALLOWED_HOSTS: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    acme = await createTenantWithTokens(t, 'Acme', { tier: 'starter' });
    await t
      .http()
      .put('/api/email-settings')
      .set(acme.admin)
      .send({ smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_security: 'starttls', smtp_username: 'outbound', smtp_password: 'secret', from_address: 'support@acme.example', from_name: 'Acme Support' })
      .expect(200);

    const mails = [
      { from: 'Dana Scully <dana@fbi.example>', subject: 'Invoice 2024-113 shows the wrong VAT number', body: 'Hello,\n\nthe VAT number on invoice 2024-113 is the old one. Could you send a corrected copy?\n\nThanks, Dana' },
      { from: 'Hiro Nakamura <hiro@yamagato.example>', subject: 'Cannot log in since the update', body: 'Since this morning the login page says my password is wrong.' },
      { from: 'Ellen Ripley <ripley@weyland.example>', subject: 'Delivery to the Nostromo is late', body: 'Our order #5521 was due on Monday. Any news?' },
    ];
    for (const mail of mails) await postSigned(t, buildMail({ to: acme.inboundAddress, ...mail })).expect(200);
    const printer = multipart(
      ['From: Bob Customer <bob@customer.example>', `To: ${acme.inboundAddress}`, 'Subject: Printer on fire', 'Message-ID: <printer-1@customer.example>', `Date: ${new Date().toUTCString()}`],
      [
        { headers: ['Content-Type: text/plain; charset=utf-8'], body: 'Hello,\n\nmy printer is on fire. The error log is attached.\n\nBob' },
        { headers: ['Content-Type: text/plain; name="error-log.txt"', 'Content-Disposition: attachment; filename="error-log.txt"'], body: 'E42 paper jam, then smoke' },
      ],
    );
    const created = await postSigned(t, printer).expect(200);
    expect(created.body.outcome).toBe('created');
    printerTicketId = created.body.ticket_id;
    const followUp = buildMail({
      from: 'Bob Customer <bob@customer.example>',
      to: acme.inboundAddress,
      subject: 'Re: Printer on fire',
      inReplyTo: '<printer-1@customer.example>',
      references: '<printer-1@customer.example>',
      body: 'Update: the fire is out, but it still does not print.\n\nOn Mon, 3 Mar 2025 at 10:00, Bob Customer <bob@customer.example> wrote:\n> Hello,\n> my printer is on fire. The error log is attached.',
    });
    expect((await postSigned(t, followUp).expect(200)).body.outcome).toBe('appended');

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    await sink?.close();
    if (!process.env.WEB_UI_SCREENSHOTS) rmSync(SHOTS, { recursive: true, force: true });
  });

  it('serves the UI with a strict Content-Security-Policy and no other files', async () => {
    const page = await t.http().get('/').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = page.headers['content-security-policy'];
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "frame-src 'self' blob:"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.text).not.toMatch(/\sstyle=/);
    const script = await t.http().get('/ui/app.js').expect(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.headers['content-security-policy']).toBe(csp);
    await t.http().get('/ui/..%2Fweb.module.ts').expect(404);
    await t.http().get('/ui/nothing.js').expect(404);
  });

  it('answers GET /api/me for each kind of token', async () => {
    expect((await t.http().get('/api/me').set(t.admin).expect(200)).body).toEqual({ kind: 'platform_admin' });
    const agent = await t.http().get('/api/me').set(acme.agent).expect(200);
    expect(agent.body).toEqual({
      kind: 'tenant',
      tenant_id: acme.id,
      role: 'agent',
      user_id: expect.any(Number),
      user: { id: expect.any(Number), name: 'Acme agent', email: null },
      tenant: { name: 'Acme', inbound_email_address: acme.inboundAddress },
    });
    expect((await t.http().get('/api/me').set(acme.admin).expect(200)).body.role).toBe('tenant_admin');
    await t.http().get('/api/me').expect(401);
  });

  it('refuses a wrong token with a readable message, signs in, and forgets the token on sign-out', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Sign in to Inbound' }).waitFor();
    await shot(page, 'sign-in');
    await page.getByRole('button', { name: 'Use an API token instead' }).click();
    await page.getByLabel('API token').fill('inb_not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('That token was not accepted: Invalid or revoked token');

    await page.getByLabel('API token').fill(acme.agentToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    expect(page.url()).not.toContain(acme.agentToken);
    await expect(page.evaluate('sessionStorage.getItem("inbound.token")')).resolves.toBe(acme.agentToken);
    // An agent sees tickets only, and a tenant admin's page says why it is not there.
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).resolves.toEqual(['Tickets']);
    await page.goto(`${base}/#/settings`);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Not allowed');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Inbound' }).waitFor();
    await expect(page.evaluate('sessionStorage.getItem("inbound.token")')).resolves.toBeNull();
    await page.goto(`${base}/#/tickets`);
    await page.getByRole('heading', { name: 'Sign in to Inbound' }).waitFor();
  });

  it('lists the tickets from webhook mail, newest activity first, with unread markers, search and status filter', async () => {
    const page = await newPage();
    await signIn(page, acme.agentToken);
    const rows = page.locator('.ticket-row');
    await eventually(() => rows.locator('.subject').allTextContents(), [
      'Printer on fire',
      'Delivery to the Nostromo is late',
      'Cannot log in since the update',
      'Invoice 2024-113 shows the wrong VAT number',
    ]);
    await expect(page.locator('.ticket-row.unread').count()).resolves.toBe(4);
    await expect(rows.first().textContent()).resolves.toContain('2 messages');
    await shot(page, 'ticket-list');

    await page.getByLabel('Search').fill('VAT');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=VAT/);
    await eventually(() => rows.locator('.subject').allTextContents(), ['Invoice 2024-113 shows the wrong VAT number']);
    await page.getByRole('link', { name: 'Clear' }).click();
    await page.getByLabel('Status').selectOption('closed');
    await page.getByText('No tickets match these filters.').waitFor();
  });

  it('pages through many tickets', async () => {
    const many = await createTenantWithTokens(t, 'Many');
    for (let i = 1; i <= 27; i += 1) {
      await postSigned(t, buildMail({ to: many.inboundAddress, subject: `Question ${i}`, date: new Date(Date.now() - (30 - i) * 60_000).toUTCString() })).expect(200);
    }
    const page = await newPage();
    await signIn(page, many.agentToken);
    await page.getByText('1–25 of 27 tickets').waitFor();
    await expect(page.locator('.ticket-row').count()).resolves.toBe(25);
    await expect(page.locator('.ticket-row .subject').first().textContent()).resolves.toBe('Question 27');
    await page.getByRole('link', { name: 'Older →' }).click();
    await page.getByText('26–27 of 27 tickets').waitFor();
    await expect(page.locator('.ticket-row .subject').allTextContents()).resolves.toEqual(['Question 2', 'Question 1']);
  });

  it('opens a ticket: the thread in order, quoted history folded, attachment download without a token in any URL', async () => {
    const page = await newPage();
    const urls: string[] = [];
    page.on('request', (request: Request) => urls.push(request.url()));
    await signIn(page, acme.agentToken);
    await page.getByRole('link', { name: /Printer on fire/ }).click();
    await page.getByRole('heading', { name: 'Printer on fire' }).waitFor();
    const messages = page.locator('article.message');
    await expect(messages.count()).resolves.toBe(2);
    await expect(messages.nth(0).locator('.sender').textContent()).resolves.toBe('Bob Customer');
    await expect(messages.nth(1).locator('.message-body').first().textContent()).resolves.toBe('Update: the fire is out, but it still does not print.');
    const history = messages.nth(1).getByText('Show the whole message with quoted history');
    await expect(messages.nth(1).locator('details').getAttribute('open')).resolves.toBeNull();
    await history.click();
    await expect(messages.nth(1).locator('details .message-body').textContent()).resolves.toContain('my printer is on fire');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Download error-log\.txt/ }).click()]);
    expect(download.url()).toMatch(/^blob:/);
    expect(download.suggestedFilename()).toBe('error-log.txt');
    expect(readFileSync((await download.path())!, 'utf8')).toBe('E42 paper jam, then smoke');
    await shot(page, 'ticket-view');

    // Opening it read it.
    const ticket = await t.http().get(`/api/tickets/${printerTicketId}`).set(acme.agent).expect(200);
    expect(ticket.body.has_unread).toBe(false);
    expect(urls.filter((u) => u.includes(acme.agentToken))).toEqual([]);
  });

  it('replies from the reply box and shows the delivery state; changes the status', async () => {
    const page = await newPage();
    await signIn(page, acme.agentToken);
    await page.goto(`${base}/#/tickets/${printerTicketId}`);
    await page.getByRole('heading', { name: 'Printer on fire' }).waitFor();
    await page.getByLabel('Your answer').fill('Hi Bob, a technician is on the way. Please keep the printer unplugged.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    const reply = page.locator('article.message.outbound');
    await reply.waitFor();
    await expect(reply.locator('.message-body').textContent()).resolves.toContain('a technician is on the way');
    await reply.locator('.delivery .badge', { hasText: 'Sent' }).waitFor({ timeout: 15_000 });
    const [mail] = await sink.waitForMessages(1);
    expect(mail.to).toEqual(['bob@customer.example']);
    expect(mail.raw.toString()).toContain('a technician is on the way');

    await page.getByRole('button', { name: 'Pending' }).click();
    await page.getByText('Status changed to pending.').waitFor();
    await expect(page.getByRole('button', { name: 'Pending' }).getAttribute('aria-pressed')).resolves.toBe('true');
    expect((await t.http().get(`/api/tickets/${printerTicketId}`).set(acme.agent).expect(200)).body.status).toBe('pending');
    await shot(page, 'ticket-reply');

    const phone = await newPage(PHONE);
    await signIn(phone, acme.agentToken);
    await shot(phone, 'phone-ticket-list');
    await phone.goto(`${base}/#/tickets/${printerTicketId}`);
    await phone.getByRole('heading', { name: 'Printer on fire' }).waitFor();
    await shot(phone, 'phone-ticket-view');
  });

  it('never runs script from e-mail HTML: the sanitised mail and even raw HTML in the sandboxed frame', async () => {
    const page = await newPage();
    const pwned: string[] = [];
    const dialogs: string[] = [];
    page.on('request', (request: Request) => {
      if (request.url().includes('/pwned')) pwned.push(request.url());
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const payload = [
      '<p>Please see the <b>invoice</b>.</p>',
      `<script>window.__pwned = 1; document.title = 'pwned'; fetch('${base}/pwned/script'); alert('script')</script>`,
      `<img src="x" onerror="window.__pwned = 2; fetch('${base}/pwned/onerror'); alert('onerror')">`,
      `<svg onload="fetch('${base}/pwned/svg')"></svg>`,
      `<a id="js-link" href="javascript:fetch('${base}/pwned/href')">open the invoice</a>`,
      `<form action="${base}/pwned/form"><button id="js-submit">Pay</button></form>`,
      `<iframe src="${base}/pwned/iframe"></iframe>`,
    ].join('\n');
    const res = await postSigned(t, htmlMail(acme.inboundAddress, 'Invoice attached', payload)).expect(200);
    const ticketId = res.body.ticket_id;
    const stored = await t.http().get(`/api/tickets/${ticketId}`).set(acme.agent).expect(200);
    expect(stored.body.messages[0].html).toContain('<b>invoice</b>');
    expect(stored.body.messages[0].html).not.toMatch(/<script|onerror|javascript:/i);

    await signIn(page, acme.agentToken);
    const openHtml = async (reload: boolean) => {
      if (reload) await page.reload();
      else await page.goto(`${base}/#/tickets/${ticketId}`);
      await page.getByRole('heading', { name: 'Invoice attached' }).waitFor();
      await page.getByRole('button', { name: 'Show formatted e-mail' }).click();
      const iframe = page.locator('iframe.html-frame');
      await expect(iframe.getAttribute('sandbox')).resolves.toBe('allow-popups allow-popups-to-escape-sandbox');
      await expect(iframe.getAttribute('src')).resolves.toMatch(/^\/api\/mail-frames\//);
      const frame = page.frameLocator('iframe.html-frame');
      await expect(frame.locator('p', { hasText: 'Please see the' }).textContent()).resolves.toBe('Please see the invoice.');
      await expect(frame.locator('b').first().textContent()).resolves.toBe('invoice');
      return frame;
    };

    // 1. What the service stored (sanitised server-side).
    await openHtml(false);
    await page.waitForTimeout(300);

    // 2. The same frame page given the raw, unsanitised payload: its policy and the sandbox must hold.
    await page.route('**/api/mail-frames/**', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: `<!doctype html>${payload}` });
    });
    const frame = await openHtml(true);
    await frame.locator('#js-link').click();
    await frame.locator('#js-submit').click();
    await page.waitForTimeout(500);

    expect(pwned).toEqual([]);
    expect(dialogs).toEqual([]);
    await expect(page.title()).resolves.not.toBe('pwned');
    await expect(page.evaluate('typeof window.__pwned')).resolves.toBe('undefined');
    // The watch works: the same kind of request from the page itself is seen.
    await page.evaluate((url) => fetch(url).then(() => undefined), `${base}/pwned/control`);
    expect(pwned).toEqual([`${base}/pwned/control`]);
  });

  it('tenant admin: changes SMTP settings, tests the connection and sends a test message, sees a failure plainly', async () => {
    const page = await newPage();
    await signIn(page, acme.adminToken);
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).resolves.toEqual([
      'Tickets',
      'E-mail settings',
      'Processing log',
      'Team & usage',
      'Audit log',
    ]);
    await page.getByRole('link', { name: 'E-mail settings' }).click();
    await page.getByRole('heading', { name: 'E-mail settings' }).waitFor();
    await expect(page.locator('#inbound-address').textContent()).resolves.toBe(acme.inboundAddress);

    await page.getByLabel('SMTP server').fill('127.0.0.1');
    await page.getByLabel('Port').fill(String(sink.port));
    await page.getByLabel('Security').selectOption('starttls');
    await page.getByLabel('User name').fill('outbound');
    await page.getByLabel('Password', { exact: true }).fill('wrong-password');
    await page.getByLabel('From name').fill('Acme Helpdesk');
    await page.getByRole('button', { name: 'Save SMTP settings' }).click();
    await page.getByText('SMTP settings saved.').waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    const result = page.locator('#smtp-test-result');
    await result.getByText('Failed at the auth stage').waitFor({ timeout: 15_000 });
    await expect(result.textContent()).resolves.toContain('Check user name and password');
    expect(JSON.stringify(await result.textContent())).not.toContain('wrong-password');

    await page.getByLabel('Password', { exact: true }).fill('secret');
    await page.getByRole('button', { name: 'Save SMTP settings' }).click();
    await page.getByText('SMTP settings saved.').waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await result.getByText('Connection works').waitFor({ timeout: 15_000 });
    const before = sink.messages.length;
    await page.getByLabel('Send a test message to').fill('admin@acme.example');
    await page.getByRole('button', { name: 'Send test message' }).click();
    await result.getByText('Test message sent to admin@acme.example').waitFor({ timeout: 15_000 });
    await sink.waitForMessages(before + 1);
    await page.evaluate('document.getElementById("smtp-heading").scrollIntoView()');
    await shot(page, 'settings');
    const settings = await t.http().get('/api/email-settings').set(acme.admin).expect(200);
    expect(settings.body).toMatchObject({ smtp_port: sink.port, smtp_username: 'outbound', from_name: 'Acme Helpdesk', smtp_password_set: true });

    await page.getByLabel('Confirm new tickets to the customer automatically').check();
    await page.getByText('Auto-acknowledgement is on').waitFor();
    expect((await t.http().get('/api/email-settings').set(acme.admin).expect(200)).body.auto_acknowledge).toBe(true);
    await page.getByLabel('Confirm new tickets to the customer automatically').uncheck();
    await page.getByText('Auto-acknowledgement is off.').waitFor();
  });

  it('tenant admin: adds an own domain and sees the DNS records it needs (GET /api/tenants/:id/dns-records)', async () => {
    // custom_domains is a professional feature (the multi-tenancy guide's tier table).
    await t.http().put(`/api/tenants/${acme.id}`).set(t.admin).send({ tier: 'professional' }).expect(200);
    const page = await newPage();
    await signIn(page, acme.adminToken);
    await page.goto(`${base}/#/settings`);
    await page.getByText('No own domain yet.').waitFor();
    await page.getByLabel('Add an own domain').fill('help.acme.example');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.getByText('help.acme.example added.').waitFor();
    const records = page.locator('.dns-domain', { hasText: 'help.acme.example' });
    await records.getByText('MX 10').waitFor();
    await expect(records.textContent()).resolves.toContain('_dmarc.help.acme.example');
    await records.getByText('not verified: no mail routed yet').waitFor();

    // Verifying before the TXT record is published says what DNS holds; once it is, the domain is the tenant's.
    await records.getByRole('button', { name: 'Verify ownership' }).click();
    await records.getByText('help.acme.example is not verified yet').waitFor();
    const [claim] = (await t.http().get(`/api/tenants/${acme.id}/domains`).set(t.admin).expect(200)).body.data;
    expect(await records.textContent()).toContain(claim.verification.value);
    t.app.get(DnsLookup).resolver = {
      resolve4: async () => [],
      resolveMx: async () => [],
      resolveTxt: async (name: string) => (name === claim.verification.name ? [[claim.verification.value]] : []),
    };
    await records.getByRole('button', { name: 'Verify ownership' }).click();
    await page.locator('.dns-domain', { hasText: 'help.acme.example' }).getByText('verified', { exact: true }).waitFor();
    await page.evaluate('document.getElementById("domains-heading").scrollIntoView()');
    await shot(page, 'settings-dns');
    await t.http().put(`/api/tenants/${acme.id}`).set(t.admin).send({ tier: 'starter' }).expect(200);
  });

  it('tenant admin: changes the inbound address and sees validation errors as sentences', async () => {
    const page = await newPage();
    await signIn(page, acme.adminToken);
    await page.goto(`${base}/#/settings`);
    await page.getByLabel('Local part (before the @)').fill('Not Valid!');
    await page.getByRole('button', { name: 'Change address' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('inbound_email_local_part must be');
    await page.getByLabel('Local part (before the @)').fill('help-acme');
    await page.getByRole('button', { name: 'Change address' }).click();
    await page.getByText('The inbound address is now help-acme@mail.test.').waitFor();
    await expect(page.locator('#inbound-address').textContent()).resolves.toBe('help-acme@mail.test');
    await page.getByLabel('Local part (before the @)').fill(acme.inboundAddress.split('@')[0]);
    await page.getByRole('button', { name: 'Change address' }).click();
    await page.getByText(`The inbound address is now ${acme.inboundAddress}.`).waitFor();
  });

  it('tenant admin: reads the processing log with filters, and reprocesses a failed mail', async () => {
    // A message the pipeline could not store: the raw bytes kept and a failed log row, as the
    // pipeline leaves them after, say, a disk error. Reprocessing then runs the real pipeline.
    const raw = buildMail({ from: 'Carol <carol@customer.example>', to: acme.inboundAddress, subject: 'Quarterly report', body: 'The numbers are attached.' });
    const stored = await t.app.get(RawMessageStore).put(raw);
    await t.app.get(DataSource).getRepository(EmailProcessingLog).save({
      tenantId: acme.id,
      source: 'webhook',
      outcome: 'failed',
      reason: 'could not store the message',
      error: 'SQLITE_IOERR: disk I/O error',
      fromAddress: 'carol@customer.example',
      toAddresses: acme.inboundAddress,
      subject: 'Quarterly report',
      rawSha256: stored.sha256,
      rawLocation: stored.location,
      sizeBytes: raw.length,
    });

    const page = await newPage();
    await signIn(page, acme.adminToken);
    await page.getByRole('link', { name: 'Processing log' }).click();
    await page.getByRole('heading', { name: 'Processing log' }).waitFor();
    const logRows = page.locator('#log-table tbody tr');
    await expect(logRows.first().getAttribute('data-outcome')).resolves.toBe('failed');
    await expect(page.locator('#log-table').textContent()).resolves.toContain('new ticket');
    await page.getByRole('heading', { name: 'Failed messages (1)' }).waitFor();
    await shot(page, 'processing-log');

    await page.getByLabel('Outcome').selectOption('appended');
    await page.getByLabel('Source').selectOption('webhook');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=appended/);
    await eventually(() => logRows.count(), 1);
    await expect(logRows.first().textContent()).resolves.toContain('Re: Printer on fire');
    await logRows.first().getByRole('link', { name: 'Open ticket' }).click();
    await page.getByRole('heading', { name: 'Printer on fire' }).waitFor();

    await page.goto(`${base}/#/log`);
    await page.getByRole('button', { name: /Reprocess the message from carol@customer\.example/ }).click();
    await page.getByText('Reprocessed: created').waitFor();
    await page.getByRole('link', { name: /Open ticket #\d+/ }).click();
    await page.getByRole('heading', { name: 'Quarterly report' }).waitFor();
    expect((await t.http().get('/api/inbound/failed').set(acme.admin).expect(200)).body.data).toEqual([]);
  });

  it('tenant admin: releases a quarantined mail from the processing log', async () => {
    const spam = buildMail({ from: 'Dave <dave@customer.example>', to: acme.inboundAddress, subject: 'Not spam, honestly', headers: { 'X-Spam': 'Yes' } });
    expect((await postSigned(t, spam).expect(200)).body.outcome).toBe('quarantined');
    const page = await newPage();
    await signIn(page, acme.adminToken);
    await page.goto(`${base}/#/log?status=quarantined`);
    await page.getByRole('heading', { name: 'Processing log' }).waitFor();
    await page.getByRole('button', { name: /Release the quarantined message from dave@customer\.example/ }).click();
    await eventually(async () => (await t.http().get('/api/tickets?q=Not spam').set(acme.agent)).body.total, 1);
    await page.getByRole('button', { name: /Release the quarantined message from dave/ }).waitFor({ state: 'detached' });
  });

  it('platform admin: a refused tier change says why and shows the tier the tenant still has', async () => {
    const doomed = await t.http().post('/api/tenants').set(t.admin).send({ name: 'Vanishing Co', tier: 'free' }).expect(201);
    const page = await newPage();
    await signIn(page, ADMIN_TOKEN);
    const row = page.locator('#tenants-table tr', { hasText: 'Vanishing Co' });
    await row.getByLabel('Tier of Vanishing Co').waitFor();
    await t.http().delete(`/api/tenants/${doomed.body.id}`).set(t.admin).expect(200);
    await row.getByLabel('Tier of Vanishing Co').selectOption('enterprise');
    await page.getByText('The tier of Vanishing Co was not changed').waitFor();
    await expect(row.getByLabel('Tier of Vanishing Co').inputValue()).resolves.toBe('free');
  });

  it('platform admin: creates a tenant, changes its tier, disables and enables it, creates a token shown once and revokes it', async () => {
    const page = await newPage();
    await signIn(page, ADMIN_TOKEN);
    await page.getByRole('heading', { name: 'Tenants' }).waitFor();
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).resolves.toEqual(['Tenants', 'All mail', 'Audit log']);
    await page.getByLabel('Name').fill('Initech');
    await page.getByLabel('Tier', { exact: true }).selectOption('professional');
    await page.getByLabel('Own domain').fill('initech.example');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.getByText('Initech created').waitFor();
    const row = page.locator('#tenants-table tr', { hasText: 'Initech' });
    await expect(row.textContent()).resolves.toContain('tenant-initech@mail.test');

    await row.getByLabel('Tier of Initech').selectOption('enterprise');
    await page.getByText('Initech is now on the enterprise tier.').waitFor();
    await row.getByRole('button', { name: 'Disable Initech' }).click();
    await page.getByText('Initech is disabled').waitFor();
    await expect(row.locator('.badge').textContent()).resolves.toBe('disabled');
    await row.getByRole('button', { name: 'Enable Initech' }).click();
    await page.getByText('Initech is active again.').waitFor();
    await page.getByLabel('Name').fill('Acme');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('already exists');
    await page.evaluate('window.scrollTo(0, 0)');
    await shot(page, 'tenants');

    await row.getByRole('link', { name: 'Tokens & usage' }).click();
    await page.getByRole('heading', { name: 'Initech' }).waitFor();
    await page.getByText('Usage on the enterprise tier').waitFor();
    await page.getByLabel('Role').selectOption('agent');
    await page.getByLabel('Name').fill('Peter');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.locator('#new-token').textContent())!;
    expect(token).toMatch(/^inb_/);
    await shot(page, 'tenant-tokens');
    await page.getByRole('button', { name: 'I have saved it' }).click();
    await expect(page.locator('#new-token').count()).resolves.toBe(0);

    const peter = await newPage();
    await signIn(peter, token);
    await peter.getByText('No tickets yet. Mail sent to tenant-initech@mail.test becomes a ticket here.').waitFor();

    await page.getByRole('button', { name: 'Revoke the token Peter' }).click();
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await page.getByText('The token "Peter" is revoked').waitFor();
    // The open session ends with a message instead of a broken page.
    await peter.reload();
    await expect(peter.getByRole('alert').textContent()).resolves.toContain('Your session ended: Invalid or revoked token');
  });

  it('tenant admin: sees the team tokens and usage against the tier limits', async () => {
    const page = await newPage();
    await signIn(page, acme.adminToken);
    await page.getByRole('link', { name: 'Team & usage' }).click();
    await page.getByText('Usage on the starter tier').waitFor();
    await expect(page.locator('.usage-list').textContent()).resolves.toContain('2 of 25');
    await expect(page.locator('#tokens-table tbody tr').count()).resolves.toBe(2);
  });
});
