import { innodbTerms, parseSearchQuery, toFts5Match, toInnodbBoolean, toWordPattern } from './search-query';

describe('parseSearchQuery', () => {
  it.each([
    ['printer', { ticketNumber: null, searchText: true, terms: [['printer']] }],
    ['#123', { ticketNumber: 123, searchText: false, terms: [] }],
    ['# 42', { ticketNumber: 42, searchText: false, terms: [] }],
    ['123', { ticketNumber: 123, searchText: true, terms: [['123']] }],
    ['#0', { ticketNumber: null, searchText: false, terms: [] }],
    ['#99999999999', { ticketNumber: null, searchText: true, terms: [['99999999999']] }],
    ['"blue widget" broke', { ticketNumber: null, searchText: true, terms: [['blue', 'widget'], ['broke']] }],
    ['"unclosed phrase', { ticketNumber: null, searchText: true, terms: [['unclosed', 'phrase']] }],
    ['alice@example.com', { ticketNumber: null, searchText: true, terms: [['alice', 'example', 'com']] }],
    ['report_Q3.pdf', { ticketNumber: null, searchText: true, terms: [['report', 'Q3', 'pdf']] }],
    ['printer PRINTER', { ticketNumber: null, searchText: true, terms: [['printer']] }],
    ['*', { ticketNumber: null, searchText: true, terms: [] }],
    ['NEAR(a b) OR -c', { ticketNumber: null, searchText: true, terms: [['NEAR', 'a'], ['b'], ['OR'], ['c']] }],
    ['東京都', { ticketNumber: null, searchText: true, terms: [['x東京', 'x京都']] }],
    ['東京', { ticketNumber: null, searchText: true, terms: [['x東京']] }],
    ['Привет, мир', { ticketNumber: null, searchText: true, terms: [['Привет'], ['мир']] }],
  ])('%j', (input, expected) => {
    expect(parseSearchQuery(input)).toEqual(expected);
  });

  it('keeps at most 12 terms', () => {
    expect(parseSearchQuery(Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ')).terms).toHaveLength(12);
  });
});

describe('query renderers', () => {
  it('quotes every term for FTS5, within the tenant and the text columns', () => {
    expect(toFts5Match(7, [['blue', 'widget'], ['broke']])).toBe('tenant : "t7" AND {subject people body files} : ("blue widget" AND "broke")');
    expect(toFts5Match(7, [])).toBeNull();
  });

  it('requires every term in InnoDB boolean mode, leaving out words InnoDB does not index', () => {
    expect(toInnodbBoolean(innodbTerms([['blue', 'widget'], ['broke']]))).toBe('+"blue widget" +broke');
    expect(innodbTerms([['after', 'a', 'week'], ['week']])).toEqual([['after'], ['week']]);
    expect(toInnodbBoolean(innodbTerms([['ab']]))).toBeNull();
    expect(toInnodbBoolean(innodbTerms([['x東京']]))).toBe('+x東京');
  });

  it('matches whole words of a term in order, separators between them', () => {
    const pattern = new RegExp(toWordPattern(['blue', 'widget']), 'iu');
    expect(pattern.test('the Blue, widget broke')).toBe(true);
    expect(['bluewidget', 'blue widgets', 'widget blue', 'a blue_x widget'].map((text) => pattern.test(text))).toEqual([false, false, false, false]);
  });
});
