import { replyFromName, withSignature } from './reply-from-name';

describe('withSignature', () => {
  it('adds the signature of a person under "-- ", with their name', () => {
    expect(withSignature('Hello.\n\n', 'Regards,\n{agent}\nAcme Support', 'Alice')).toBe('Hello.\n\n-- \nRegards,\nAlice\nAcme Support');
  });
  it('adds nothing for an integration or without a signature', () => {
    expect(withSignature('Hello.', 'Regards', null)).toBe('Hello.');
    expect(withSignature('Hello.', '  ', 'Alice')).toBe('Hello.');
    expect(withSignature('Hello.', null, 'Alice')).toBe('Hello.');
  });
});

describe('replyFromName', () => {
  it.each([
    [null, 'Alice', 'Acme Support', 'Alice at Acme Support'],
    ['{agent} | {team}', 'Alice', 'Acme Support', 'Alice | Acme Support'],
    ['{team}', 'Alice', 'Acme Support', 'Acme Support'],
    [null, null, 'Acme Support', 'Acme Support'],
    ['   ', 'Alice', 'Acme Support', 'Acme Support'],
  ])('template %p, agent %p, team %p: %p', (template, agent, team, expected) => {
    expect(replyFromName(template, agent, team)).toBe(expected);
  });
});
