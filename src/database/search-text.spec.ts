import { searchText } from './search-text';

describe('searchText', () => {
  it.each([
    ['Printer jammed', 'Printer jammed'],
    ['東京都に住んでいます', ' x東京  x京都  x都に  xに住  x住ん  xんで  xでい  xいま  xます  '],
    ['Windows版', 'Windows '],
    ['東京abc', ' x東京  abc'],
    ['report_Q3.pdf', 'report Q3.pdf'],
    ['Проблема с доступом', 'Проблема с доступом'],
  ])('%j', (input, expected) => {
    expect(searchText(input)).toBe(expected);
  });

  it('indexes the beginning of a very long text only', () => {
    expect(searchText('a'.repeat(100_000))).toHaveLength(65_536);
  });
});
