// What the API gives the UI to show a mail faithfully and safely: the mail's Date, links in its
// text, the formatted version as its own page (cid: parts inline, remote images only when
// asked, its own Content-Security-Policy), and the tenant's list of senders whose images load.
import { buildHtmlMail } from '../support/html-mail';
import { postSigned } from '../support/mail';
import { solidPng } from '../support/png';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

const LOGO = solidPng(8, 4, [200, 40, 40]);

describe.each(ENGINES)('mail display (%s)', (engine) => {
  let t: TestApp;
  let acme: Awaited<ReturnType<typeof createTenantWithTokens>>;
  let globex: Awaited<ReturnType<typeof createTenantWithTokens>>;
  let ticketId: number;

  beforeAll(async () => {
    t = await startTestApp(engine);
    acme = await createTenantWithTokens(t, 'Acme');
    globex = await createTenantWithTokens(t, 'Globex');
    const mail = buildHtmlMail({
      to: acme.inboundAddress,
      from: 'Nina Newsletter <News@Shop.example>',
      subject: 'Autumn sale',
      date: 'Tue, 01 Dec 2026 09:15:00 +0100',
      text: 'Our sale: https://shop.example/sale?id=1 or write to help@shop.com.',
      html: [
        '<table><tr><td bgcolor="#111827"><span style="color:#fbbf24">Autumn</span> sale</td></tr></table>',
        '<p><img src="cid:logo@shop.example" alt="Logo"> <img src="https://cdn.shop.example/banner.png" alt="Banner"></p>',
        '<p><a href="https://shop.example/sale">Shop now</a></p>',
      ].join(''),
      inline: [{ contentType: 'image/png', contentId: 'logo@shop.example', filename: 'logo.png', content: LOGO }],
    });
    const res = await postSigned(t, mail).expect(200);
    ticketId = res.body.ticket_id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const message = async (tenant = acme) => (await t.http().get(`/api/tickets/${ticketId}`).set(tenant.agent).expect(200)).body.messages[0];

  it('gives the mail’s Date, the links of its text, its remote image count and a frame link', async () => {
    const m = await message();
    expect(new Date(m.date).toISOString()).toBe('2026-12-01T08:15:00.000Z');
    expect(m.text_links).toEqual([
      { start: 10, end: 40, url: 'https://shop.example/sale?id=1' },
      { start: 53, end: 66, url: 'mailto:help@shop.com' },
    ]);
    expect(m.remote_image_count).toBe(1);
    expect(m.sender_images_allowed).toBe(false);
    expect(m.html_frame_url).toMatch(/^\/api\/mail-frames\/[\w.-]+$/);
  });

  it('serves the formatted mail as its own sandboxed page: inline styles allowed, cid: parts inline, remote images blocked', async () => {
    const { html_frame_url: url } = await message();
    const page = await t.http().get(url).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src-attr 'unsafe-inline'");
    expect(csp).toContain('img-src data:;');
    expect(csp).toContain('sandbox allow-popups allow-popups-to-escape-sandbox');
    expect(csp).not.toMatch(/script-src|allow-scripts|allow-same-origin/);
    expect(page.headers['x-frame-options']).toBeUndefined();
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.text).toContain(`src="data:image/png;base64,${LOGO.toString('base64')}"`);
    expect(page.text).not.toContain('cdn.shop.example');
    expect(page.text).toContain('<td bgcolor="#111827" style="color:#ffffff">');
    expect(page.text).toContain('<span style="color:#fbbf24">');
    expect(page.text).toContain('<a href="https://shop.example/sale" target="_blank" rel="noopener noreferrer nofollow" title="https://shop.example/sale">');

    const withImages = await t.http().get(`${url}?images=1`).expect(200);
    expect(withImages.headers['content-security-policy']).toContain('img-src data: https:;');
    expect(withImages.text).toContain('src="https://cdn.shop.example/banner.png"');
  });

  it('keeps the numbers and bullets of an HTML-only mail’s lists in its text', async () => {
    const raw = buildHtmlMail({ to: acme.inboundAddress, subject: 'Steps', html: '<p>Do this:</p><ol><li>Unplug it</li><li>Wait</li></ol><ul><li>Note</li></ul>' });
    const res = await postSigned(t, raw).expect(200);
    const m = (await t.http().get(`/api/tickets/${res.body.ticket_id}`).set(acme.agent).expect(200)).body.messages[0];
    expect(m.text).toBe('Do this:\n\n1. Unplug it\n2. Wait\n\n- Note');
  });

  it('refuses a changed, foreign or malformed frame link with 404', async () => {
    const { html_frame_url: url } = await message();
    const [tenant, id, expiry, mac] = url.split('/').pop().split('.');
    await t.http().get(`/api/mail-frames/${globex.id}.${id}.${expiry}.${mac}`).expect(404);
    await t.http().get(`/api/mail-frames/${tenant}.${Number(id) + 1}.${expiry}.${mac}`).expect(404);
    await t.http().get(`/api/mail-frames/${tenant}.${id}.${Number(expiry) + 3600}.${mac}`).expect(404);
    const garbage = await t.http().get('/api/mail-frames/nonsense').expect(404);
    expect(garbage.body.error).toBe('not_found');
  });

  it('keeps "always load images from this sender" per tenant, case-insensitively, and says so with the message', async () => {
    await t.http().get('/api/remote-image-senders').expect(401);
    expect((await t.http().get('/api/remote-image-senders').set(acme.agent).expect(200)).body).toEqual({ data: [] });

    const added = await t.http().post('/api/remote-image-senders').set(acme.agent).send({ address: 'news@shop.EXAMPLE' }).expect(201);
    expect(added.body).toEqual({ address: 'news@shop.example', created_at: expect.any(String) });
    await t.http().post('/api/remote-image-senders').set(acme.admin).send({ address: 'News@Shop.example' }).expect(201);
    const list = await t.http().get('/api/remote-image-senders').set(acme.agent).expect(200);
    expect(list.body.data.map((s: { address: string }) => s.address)).toEqual(['news@shop.example']);
    expect((await message()).sender_images_allowed).toBe(true);

    expect((await t.http().get('/api/remote-image-senders').set(globex.agent).expect(200)).body).toEqual({ data: [] });
    await t.http().delete('/api/remote-image-senders/news%40shop.example').set(globex.agent).expect(404);

    await t.http().delete('/api/remote-image-senders/NEWS%40shop.example').set(acme.agent).expect(204);
    await t.http().delete('/api/remote-image-senders/news%40shop.example').set(acme.agent).expect(404);
    expect((await message()).sender_images_allowed).toBe(false);
  });

  it.each([
    ['no address', {}],
    ['not an address', { address: 'news at shop' }],
    ['two @', { address: 'a@b@c.example' }],
    ['too long', { address: `${'a'.repeat(64)}@${'b'.repeat(260)}.example` }],
    ['a number', { address: 42 }],
  ])('refuses %s with 400 and lists nothing', async (_, body) => {
    const res = await t.http().post('/api/remote-image-senders').set(acme.agent).send(body).expect(400);
    expect(res.body.error).toBe('bad_request');
    await t.http().delete('/api/remote-image-senders/not-an-address').set(acme.agent).expect(400);
    expect((await t.http().get('/api/remote-image-senders').set(acme.agent).expect(200)).body).toEqual({ data: [] });
  });
});
