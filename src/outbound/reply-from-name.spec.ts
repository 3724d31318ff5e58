import { replyFromName } from './reply-from-name';

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
