// A tenant's admins are e-mailed when the tenant reaches 80 % and 100 % of a limit: once per
// threshold (per day for the daily message limit), again only after usage dropped below it; two
// checks at once (two instances) send one e-mail. On both engines, the platform's mail captured.
import { randomBytes } from 'node:crypto';
import { LimitNoticesService } from '../../src/notices/limit-notices.service';
import { SmtpSink, startSmtpSink } from '../support/smtp-sink';
import { ENGINES, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(60_000);

describe.each(ENGINES)('limit notices on %s', (engine) => {
  let t: TestApp;
  let mail: SmtpSink;

  beforeAll(async () => {
    mail = await startSmtpSink({ authOptional: true });
    t = await startTestApp(engine, { MAIL_DEV_SMTP_HOST: '127.0.0.1', MAIL_DEV_SMTP_PORT: String(mail.port), PUBLIC_URL: 'https://helpdesk.example.test' });
  });
  afterAll(async () => {
    await t?.close();
    await mail?.close();
  });

  const check = () => t.app.get(LimitNoticesService).sendDue(new Date());

  it('tells the admins at 80 % and at 100 % of a limit, once each, and again after usage dropped below', async () => {
    const tenant = (await t.http().post('/api/tenants').set(t.admin).send({ name: `Small Co ${randomBytes(3).toString('hex')}` }).expect(201)).body;
    await t.http().put(`/api/tenants/${tenant.id}`).set(t.admin).send({ max_users: 5 }).expect(200);
    const addUser = async (role: string) =>
      (await t.http().post(`/api/tenants/${tenant.id}/users`).set(t.admin).send({ email: `${role}-${randomBytes(4).toString('hex')}@small.example`, name: role, role, password: 'correct horse battery staple 1' }).expect(201)).body;
    const admin = await addUser('tenant_admin');
    const agents = [await addUser('agent'), await addUser('agent')];
    await check();
    mail.reset(); // the users' own mail, if any
    expect(await check()).toBe(0); // 3 of 5

    agents.push(await addUser('agent')); // 4 of 5: 80 %
    const [first, second] = await Promise.all([check(), check()]);
    expect(first + second).toBe(1);
    const [nearing] = await mail.waitForMessages(1);
    expect(nearing.to).toEqual([admin.email]);
    expect(nearing.subject).toBe(`${tenant.name} is at 80% of its limit of people`);
    expect(nearing.raw.toString()).toContain('has used 4 of 5 people');
    expect(nearing.raw.toString()).toContain('https://helpdesk.example.test/#/team');
    expect(await check()).toBe(0);

    agents.push(await addUser('agent')); // 5 of 5
    expect(await check()).toBe(1);
    expect((await mail.waitForMessages(2))[1].subject).toBe(`${tenant.name} reached its limit of people`);

    for (const agent of agents.slice(0, 3)) await t.http().delete(`/api/tenants/${tenant.id}/users/${agent.id}`).set(t.admin).expect(204);
    expect(await check()).toBe(0); // 2 of 5: the notices are armed again
    agents.push(await addUser('agent'), await addUser('agent')); // 4 of 5
    expect(await check()).toBe(1);
    expect((await mail.waitForMessages(3))[2].subject).toBe(`${tenant.name} is at 80% of its limit of people`);
    expect(mail.messages).toHaveLength(3);
  });
});
