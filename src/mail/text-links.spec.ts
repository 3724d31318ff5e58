import { findTextLinks } from './text-links';

describe('findTextLinks', () => {
  it('finds web and mail addresses with their offsets', () => {
    const text = 'See https://example.org/a?b=1, www.shop.com or write to ann@example.org.';
    expect(findTextLinks(text)).toEqual([
      { start: 4, end: 29, url: 'https://example.org/a?b=1' },
      { start: 31, end: 43, url: 'http://www.shop.com' },
      { start: 56, end: 71, url: 'mailto:ann@example.org' },
    ]);
    expect(text.slice(4, 29)).toBe('https://example.org/a?b=1');
  });

  it.each(['javascript:alert(1)', 'ftp://files.example/x', 'file:///etc/passwd', 'data:text/html,<b>x</b>'])('never links %s', (text) => {
    expect(findTextLinks(`go to ${text} now`).map((l) => l.url)).toEqual([]);
  });

  it('counts offsets as the browser does, in UTF-16 units', () => {
    const text = '😀 Grüße: https://例え.テスト/パス';
    const [link] = findTextLinks(text);
    expect(text.slice(link.start, link.end)).toBe('https://例え.テスト/パス');
  });

  it('is empty for no text', () => {
    expect(findTextLinks(null)).toEqual([]);
    expect(findTextLinks('no links here.')).toEqual([]);
  });
});
