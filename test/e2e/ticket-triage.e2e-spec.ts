import { buildMail, postSigned } from '../support/mail';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

type Tenant = Awaited<ReturnType<typeof createTenantWithTokens>>;

describe.each(ENGINES)('ticket list for triage: preview, sorting, unread count (%s)', (engine) => {
  let t: TestApp;
  let acme: Tenant;
  let globex: Tenant;
  const ids: number[] = [];

  beforeAll(async () => {
    t = await startTestApp(engine);
    acme = await createTenantWithTokens(t, 'Acme');
    globex = await createTenantWithTokens(t, 'Globex');
    for (const [subject, body] of [
      ['Oldest', '\r\n\r\n  The oldest   question\r\nwith a second line'],
      ['Middle', 'Middle question'],
      ['Newest', 'Newest question'],
    ]) {
      const messageId = `<${subject.toLowerCase()}@example.com>`;
      ids.push((await postSigned(t, buildMail({ to: acme.inboundAddress, subject, body, messageId })).expect(200)).body.ticket_id);
    }
    await postSigned(t, buildMail({ to: globex.inboundAddress, subject: 'Globex', body: 'Not for Acme' })).expect(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  const list = async (query = '') => (await t.http().get(`/api/tickets${query}`).set(acme.agent).expect(200)).body.data as { id: number; subject: string; preview: string }[];

  it('gives each ticket the first line of its latest message as preview', async () => {
    const tickets = await list();
    expect(tickets.map((x) => [x.subject, x.preview])).toEqual([
      ['Newest', 'Newest question'],
      ['Middle', 'Middle question'],
      ['Oldest', 'The oldest question'],
    ]);
    const followUp = buildMail({ to: acme.inboundAddress, subject: 'Re: Middle', body: 'A follow-up\r\n\r\n> Middle question', inReplyTo: '<middle@example.com>' });
    expect((await postSigned(t, followUp).expect(200)).body.ticket_id).toBe(ids[1]);
    expect((await list()).map((x) => [x.subject, x.preview])[0]).toEqual(['Middle', 'A follow-up']);
  });

  it('sorts by newest activity (default) or longest waiting, and refuses an unknown sort', async () => {
    const byActivity = (await list('?sort=activity')).map((x) => x.id);
    const waiting = (await list('?sort=waiting')).map((x) => x.id);
    expect(waiting).toEqual([...byActivity].reverse());
    await t.http().get('/api/tickets?sort=loudest').set(acme.agent).expect(400);
  });

  it('counts the unread tickets of the tenant only', async () => {
    const before = (await t.http().get('/api/tickets/summary').set(acme.agent).expect(200)).body.unread as number;
    expect(before).toBe((await list('?per_page=200')).length);
    await t.http().patch(`/api/tickets/${ids[0]}`).set(acme.agent).send({ has_unread: false }).expect(200);
    await t.http().get('/api/tickets/summary').set(acme.agent).expect(200, { unread: before - 1 });
    await t.http().get('/api/tickets/summary').set(globex.agent).expect(200, { unread: 1 });
    await t.http().get('/api/tickets/summary').expect(401);
  });
});
