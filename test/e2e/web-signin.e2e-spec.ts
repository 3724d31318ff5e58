// Signing in as a person in Debian's Chromium: password, a deep link, one sign-in for every tab,
// and an invitation accepted from the captured mail.
import { AddressInfo } from 'node:net';
import { generate } from 'otplib';
import { simpleParser } from 'mailparser';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { linkOf } from '../support/accounts';
import { buildMail, postSigned } from '../support/mail';
import { startSmtpSink, SmtpSink } from '../support/smtp-sink';
import { createTenantWithTokens, startTestApp, TestApp } from '../support/test-app';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'];
const PASSWORD = 'correct horse battery';

describe('signing in as a person in Chromium', () => {
  let t: TestApp;
  let mail: SmtpSink;
  let browser: Browser;
  let base: string;
  let acme: Awaited<ReturnType<typeof createTenantWithTokens>>;
  let ticketId: number;
  const contexts: BrowserContext[] = [];

  async function newContext(): Promise<BrowserContext> {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    contexts.push(context);
    return context;
  }
  async function newPage(context?: BrowserContext): Promise<Page> {
    const page = await (context ?? (await newContext())).newPage();
    page.setDefaultTimeout(10_000);
    return page;
  }
  async function signInWithPassword(page: Page, email: string, password: string): Promise<void> {
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  beforeAll(async () => {
    mail = await startSmtpSink({ authOptional: true });
    t = await startTestApp('sqlite', { MAIL_DEV_SMTP_HOST: '127.0.0.1', MAIL_DEV_SMTP_PORT: String(mail.port) });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    acme = await createTenantWithTokens(t, 'Acme', { tier: 'starter' });
    await t.http().post(`/api/tenants/${acme.id}/users`).set(acme.admin).send({ email: 'alice@acme.test', name: 'Alice Agent', role: 'agent', password: PASSWORD }).expect(201);
    const created = await postSigned(t, buildMail({ to: acme.inboundAddress, subject: 'Printer on fire', from: 'Bob <bob@customer.example>' })).expect(200);
    ticketId = created.body.ticket_id;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    await mail?.close();
  });

  it('refuses a wrong password without saying which part was wrong, then signs in and lands on the deep link', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/tickets/${ticketId}`);
    await page.getByRole('heading', { name: 'Sign in to Inbound' }).waitFor();
    expect(page.url()).toContain(`next=${encodeURIComponent(`/tickets/${ticketId}`)}`);
    await signInWithPassword(page, 'alice@acme.test', 'not my password');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Wrong e-mail address or password');

    await signInWithPassword(page, 'alice@acme.test', PASSWORD);
    await page.getByRole('heading', { name: 'Printer on fire' }).waitFor();
    expect(page.url()).toMatch(new RegExp(`#/tickets/${ticketId}$`));
    // The session is a cookie the page cannot read, and no token is kept in the tab.
    await expect(page.evaluate('document.cookie')).resolves.toBe('');
    await expect(page.evaluate('sessionStorage.getItem("inbound.token")')).resolves.toBeNull();
  });

  it('serves every tab with one sign-in, and signs every tab out', async () => {
    const context = await newContext();
    const first = await newPage(context);
    await first.goto(`${base}/`);
    await signInWithPassword(first, 'alice@acme.test', PASSWORD);
    await first.getByRole('heading', { name: 'Tickets' }).waitFor();

    const second = await newPage(context);
    await second.goto(`${base}/#/tickets/${ticketId}`);
    await second.getByRole('heading', { name: 'Printer on fire' }).waitFor();
    // A change made from the second tab carries the session's CSRF token.
    await second.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Pending' }).click();
    await second.getByText('Status changed to pending.').waitFor();
    await first.getByRole('button', { name: 'Sign out' }).click();
    await first.getByRole('heading', { name: 'Sign in to Inbound' }).waitFor();
    await second.reload();
    await second.getByRole('heading', { name: 'Sign in to Inbound' }).waitFor();
  });

  it('signs in with a TOTP code, and makes a person of a tenant that requires it set one up first', async () => {
    await t.http().post(`/api/tenants/${acme.id}/users`).set(acme.admin).send({ email: 'tess@acme.test', name: 'Tess Totp', role: 'agent', password: PASSWORD }).expect(201);
    await t.http().put(`/api/tenants/${acme.id}/two-factor-policy`).set(acme.admin).send({ required: true }).expect(200);
    const page = await newPage();
    await page.goto(`${base}/`);
    await signInWithPassword(page, 'tess@acme.test', PASSWORD);
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByText('Your tenant requires a second factor').waitFor();
    await page.goto(`${base}/#/tickets`);
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    const secret = (await page.locator('#totp-secret').textContent())!;
    await page.getByLabel('Code from your authenticator app').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await expect(page.locator('.recovery-codes li').count()).resolves.toBe(10);
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();

    await page.getByRole('heading', { name: 'Sign in to Inbound' }).waitFor();
    await signInWithPassword(page, 'tess@acme.test', PASSWORD);
    await page.getByLabel('Authentication code').waitFor();
    await page.getByLabel('Authentication code').fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    await t.http().put(`/api/tenants/${acme.id}/two-factor-policy`).set(acme.admin).send({ required: false }).expect(200);
  });

  it('shows a tenant admin the audit log: their sign-in, and a failed one', async () => {
    await t.http().post(`/api/tenants/${acme.id}/users`).set(acme.admin).send({ email: 'ada@acme.test', name: 'Ada Admin', role: 'tenant_admin', password: PASSWORD }).expect(201);
    await t.http().post('/api/auth/login').send({ email: 'ada@acme.test', password: 'not the password' }).expect(401);
    const page = await newPage();
    await page.goto(`${base}/#/audit`);
    await signInWithPassword(page, 'ada@acme.test', PASSWORD);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const rows = page.locator('#audit-table tbody tr');
    await rows.first().waitFor();
    await expect(page.locator('#audit-table tr[data-action="user.login"]').first().textContent()).resolves.toContain('Ada Admin');
    await expect(page.locator('#audit-table tr[data-action="user.login_failed"]').first().textContent()).resolves.toContain('ada@acme.test');
    await page.getByLabel('Action').fill('user.created');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=user.created/);
    await expect(page.locator('#audit-table tbody tr').evaluateAll((trs) => trs.every((tr) => tr.getAttribute('data-action') === 'user.created'))).resolves.toBe(true);
  });

  it('assigns a ticket to oneself and finds it under Mine', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/tickets/${ticketId}`);
    await signInWithPassword(page, 'alice@acme.test', PASSWORD);
    await page.getByRole('heading', { name: 'Printer on fire' }).waitFor();
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await page.getByText('Assigned to you.').waitFor();
    await expect(page.getByLabel('Assigned to').inputValue()).resolves.not.toBe('');
    await page.goto(`${base}/#/tickets`);
    await page.getByRole('link', { name: 'Mine', exact: true }).click();
    await page.waitForURL(/assignee=me/);
    await page.locator(`.ticket-row[data-ticket-id="${ticketId}"]`).waitFor();
    await page.getByRole('link', { name: 'Unassigned', exact: true }).click();
    await page.waitForURL(/assignee=none/);
    await page.getByText('No tickets match these filters.').waitFor();
  });

  it('leaves an internal note on a ticket, shown apart from the mail', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/tickets/${ticketId}`);
    await signInWithPassword(page, 'alice@acme.test', PASSWORD);
    await page.getByRole('heading', { name: 'Printer on fire' }).waitFor();
    await page.getByLabel('New internal note').fill('Spoke to Bob on the phone.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Note added. Only your team sees it.').waitFor();
    await expect(page.locator('.internal-notes .note').last().textContent()).resolves.toContain('Alice Agent');
    await page.reload();
    await page.locator('.internal-notes .note-body').first().waitFor();
    await expect(page.locator('.internal-notes .note-body').allTextContents()).resolves.toContain('Spoke to Bob on the phone.');
    await expect(page.locator('article.message').allTextContents()).resolves.not.toEqual(expect.arrayContaining([expect.stringContaining('Spoke to Bob')]));
  });

  it('keeps a draft across navigation, and sends a reply with an attachment and closes the ticket', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/tickets/${ticketId}`);
    await signInWithPassword(page, 'alice@acme.test', PASSWORD);
    await page.getByRole('heading', { name: 'Printer on fire' }).waitFor();
    await page.getByLabel('Your answer').fill('Hello Bob, the new driver is attached.');
    await page.getByText('Draft saved.').waitFor();
    await page.goto(`${base}/#/tickets`);
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    await page.goto(`${base}/#/tickets/${ticketId}`);
    await page.getByText('Draft restored.').waitFor();
    await expect(page.getByLabel('Your answer').inputValue()).resolves.toBe('Hello Bob, the new driver is attached.');

    await t.http().post('/api/canned-replies').set(acme.admin).send({ title: 'Driver steps', body: 'Unzip it and run setup.' }).expect(201);
    await page.reload();
    await page.getByLabel('Insert a canned reply').selectOption({ label: 'Driver steps' });
    await expect(page.getByLabel('Your answer').inputValue()).resolves.toBe('Hello Bob, the new driver is attached.\n\nUnzip it and run setup.');

    mail.reset();
    await page.getByLabel('Attachments').setInputFiles({ name: 'driver.txt', mimeType: 'text/plain', buffer: Buffer.from('printer driver 2.0') });
    await page.getByRole('list', { name: 'Attached files' }).getByText('driver.txt').waitFor();
    await page.getByRole('button', { name: 'Send and close' }).click();
    await page.getByText('Reply queued.').waitFor();
    const [sent] = await mail.waitForMessages(1, 20_000);
    const parsed = await simpleParser(sent.raw);
    expect(parsed.from?.text).toContain('Alice Agent at Acme');
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['driver.txt', 'printer driver 2.0']]);
    expect((await t.http().get(`/api/tickets/${ticketId}`).set(acme.agent).expect(200)).body.status).toBe('closed');
    await page.reload();
    await page.getByRole('heading', { name: 'Printer on fire' }).waitFor();
    await expect(page.getByLabel('Your answer').inputValue()).resolves.toBe('');
  });

  it('shows that another agent has the ticket open, and when they write a reply', async () => {
    await t.http().post(`/api/tenants/${acme.id}/users`).set(acme.admin).send({ email: 'bea@acme.test', name: 'Bea Busy', role: 'agent', password: PASSWORD }).expect(201);
    const alice = await newPage();
    await alice.goto(`${base}/#/tickets/${ticketId}`);
    await signInWithPassword(alice, 'alice@acme.test', PASSWORD);
    await alice.getByRole('heading', { name: 'Printer on fire' }).waitFor();
    const bea = await newPage();
    await bea.goto(`${base}/#/tickets/${ticketId}`);
    await signInWithPassword(bea, 'bea@acme.test', PASSWORD);
    await bea.getByRole('heading', { name: 'Printer on fire' }).waitFor();
    await bea.getByText('Alice Agent has this ticket open.').waitFor();
    await bea.getByLabel('Your answer').fill('Bob, I am on it.');
    await alice.getByText('Bea Busy is writing a reply to this ticket.').waitFor({ timeout: 15_000 });
  });

  it('accepts an invitation from the captured mail: chooses a password and is signed in', async () => {
    mail.reset();
    await t.http().post(`/api/tenants/${acme.id}/users`).set(acme.admin).send({ email: 'dave@acme.test', name: 'Dave Newcomer', role: 'agent' }).expect(201);
    const [invitation] = await mail.waitForMessages(1);
    const link = (await linkOf(invitation)).replace(/^http:\/\/localhost:3000/, base);

    const page = await newPage();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Welcome to Inbound' }).waitFor();
    await page.getByLabel('New password').fill(PASSWORD);
    await page.getByLabel('The same password again').fill(PASSWORD);
    await page.getByRole('button', { name: 'Save and sign in' }).click();
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Inbound' }).waitFor();
    await signInWithPassword(page, 'dave@acme.test', PASSWORD);
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
  });
});
