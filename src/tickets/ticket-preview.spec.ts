import { previewLine } from './ticket-preview';

describe('previewLine', () => {
  it.each([
    [null, ''],
    ['', ''],
    ['Hello, my printer is on fire.\nSecond line', 'Hello, my printer is on fire.'],
    ['\r\n  \r\n  Indented   first\tline  \r\nmore', 'Indented first line'],
    ['> quoted\nAnswer above', 'Answer above'],
    [`${'word '.repeat(60)}`, `${'word '.repeat(32).trim().slice(0, 159).trimEnd()}…`],
  ])('%j -> %j', (text, expected) => {
    expect(previewLine(text)).toBe(expected);
  });

  it('never runs past 160 characters', () => {
    expect(previewLine('x'.repeat(1000))).toHaveLength(160);
  });
});
