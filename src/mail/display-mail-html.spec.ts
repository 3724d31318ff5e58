import { contentIdKey, countRemoteImages, displayMailHtml } from './display-mail-html';
import { mailFrameContentSecurityPolicy, mailFrameDocument, MAIL_FRAME_CSS } from './mail-frame-document';
import { readableTextColor } from './readable-color';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';
const none = { inlineImages: new Map<string, string>(), loadRemoteImages: false };

describe('displayMailHtml', () => {
  it('turns a cid: image of the message into its data: URL, matching the Content-ID as a key', () => {
    const inlineImages = new Map([['logo@acme.example', PNG]]);
    expect(displayMailHtml('<img src="cid:Logo@acme.example" alt="Logo" />', { ...none, inlineImages })).toBe(`<img src="${PNG}" alt="Logo" />`);
    expect(displayMailHtml('<img src="cid:logo%40acme.example" />', { ...none, inlineImages })).toBe(`<img src="${PNG}" />`);
  });

  it('drops the source of a cid: image the message does not have', () => {
    expect(displayMailHtml('<img src="cid:other@x" alt="Chart" />', none)).toBe('<img alt="Chart" />');
  });

  it('blocks remote images unless asked, marking where they were', () => {
    const html = '<img src="https://cdn.example/pixel.gif" alt="" />';
    expect(displayMailHtml(html, none)).toBe('<img alt="" data-blocked-src="remote" />');
    expect(displayMailHtml(html, { ...none, loadRemoteImages: true })).toBe('<img src="https://cdn.example/pixel.gif" alt="" />');
    expect(countRemoteImages(html + html + '<img src="cid:x" />')).toBe(2);
  });

  it('never lets an http:, protocol-relative or svg image through, even from an old stored row', () => {
    for (const src of ['http://t.example/p.gif', '//t.example/p.gif', 'data:image/svg+xml;base64,PHN2Zz4=', 'javascript:alert(1)']) {
      expect(displayMailHtml(`<img src="${src}" />`, { ...none, loadRemoteImages: true })).toBe('<img />');
    }
  });

  it('re-applies the sanitiser to what was stored', () => {
    expect(displayMailHtml('<p onclick="x()">a</p><script>alert(1)</script><style>p{}</style>', none)).toBe('<p>a</p>');
  });

  it('opens links in a new tab without opener or referrer and shows the real target on hover', () => {
    expect(displayMailHtml('<a href="https://shop.example/x" title="Your bank">Log in</a>', none)).toBe(
      '<a href="https://shop.example/x" title="https://shop.example/x" target="_blank" rel="noopener noreferrer nofollow">Log in</a>',
    );
  });

  it.each([
    ['a dark bgcolor gets light text', '<td bgcolor="#1a1a2e">Sale</td>', '<td bgcolor="#1a1a2e" style="color:#ffffff">Sale</td>'],
    ['a light background-color gets dark text', '<div style="background-color:#fafafa">x</div>', '<div style="background-color:#fafafa;color:#1b1f24">x</div>'],
    ['a named dark colour', '<table bgcolor="navy"><tr><td>x</td></tr></table>', '<table bgcolor="navy" style="color:#ffffff"><tr><td>x</td></tr></table>'],
    ['a pair the mail chose stays', '<td bgcolor="#000" style="color:#ff0">x</td>', '<td bgcolor="#000" style="color:#ff0">x</td>'],
    ['an unknown colour stays', '<td bgcolor="transparent">x</td>', '<td bgcolor="transparent">x</td>'],
  ])('keeps colour pairs readable: %s', (_, html, expected) => {
    expect(displayMailHtml(html, none)).toBe(expected);
  });
});

describe('readableTextColor', () => {
  it.each([
    ['#000000', '#ffffff'],
    ['#fff', '#1b1f24'],
    ['rgb(0, 51, 102)', '#ffffff'],
    ['#ffcc00', '#1b1f24'],
    ['rgba(0,0,0,0.1)', undefined],
    ['papayawhipish', undefined],
  ])('%s -> %s', (background, text) => {
    expect(readableTextColor(background)).toBe(text);
  });
});

describe('contentIdKey', () => {
  it.each([
    ['<Part1.ABC@mail.example>', 'part1.abc@mail.example'],
    ['cid:part1.abc@mail.example', 'part1.abc@mail.example'],
    ['cid:a%20b', 'a b'],
    ['cid:100%', '100%'],
  ])('%s', (value, key) => {
    expect(contentIdKey(value)).toBe(key);
  });
});

describe('the frame page', () => {
  it('allows inline style attributes and its own style sheet, and loads remote images only when asked', () => {
    const blocked = mailFrameContentSecurityPolicy({ remoteImages: false, baseCss: MAIL_FRAME_CSS });
    expect(blocked).toContain("default-src 'none'");
    expect(blocked).toContain("style-src-attr 'unsafe-inline'");
    expect(blocked).toMatch(/style-src-elem 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(blocked).toContain('img-src data:;');
    expect(blocked).toContain('sandbox allow-popups allow-popups-to-escape-sandbox');
    expect(blocked).not.toMatch(/script-src|allow-scripts|allow-same-origin/);
    expect(mailFrameContentSecurityPolicy({ remoteImages: true, baseCss: MAIL_FRAME_CSS })).toContain('img-src data: https:;');
    expect(mailFrameDocument('<p>x</p>', MAIL_FRAME_CSS)).toContain(`<style>${MAIL_FRAME_CSS}</style></head><body><p>x</p></body>`);
  });
});
