import { parseMessage } from './parse-message';
import { candidateRecipients, MAX_CANDIDATE_RECIPIENTS, omittedRecipientCount, splitPlusAddress } from './route-recipients';

function message(lines: string[]): Buffer {
  return Buffer.from([...lines, '', 'Hello'].join('\r\n'));
}

describe('candidateRecipients', () => {
  it('puts the envelope recipient first, then To, then Cc; lowercase and each once', async () => {
    const parsed = await parseMessage(
      message([
        'X-Original-To: Support+t42.abc@Mail.Example.com',
        'Delivered-To: catchall@mail.example.com',
        'To: "Ann" <ann@example.org>, SUPPORT+t42.abc@mail.example.com',
        'Cc: sales@mail.example.com, ann@example.org',
      ]),
    );
    expect(candidateRecipients(parsed)).toEqual([
      'support+t42.abc@mail.example.com',
      'catchall@mail.example.com',
      'ann@example.org',
      'sales@mail.example.com',
    ]);
    expect(omittedRecipientCount(parsed)).toBe(0);
  });

  it('skips what is no address (a bare name, an empty group)', async () => {
    const parsed = await parseMessage(message(['To: undisclosed-recipients:;', 'Cc: Support Team, real@example.org']));
    expect(candidateRecipients(parsed)).toEqual(['real@example.org']);
  });

  it('offers at most the cap of 10,000 recipients, envelope first, and says how many it left out', async () => {
    const crowd = Array.from({ length: 10_000 }, (_, i) => `person${i}@example.org`).join(', ');
    const parsed = await parseMessage(message([`To: ${crowd}`, 'Cc: support@mail.example.com', 'Delivered-To: support@mail.example.com']));
    const candidates = candidateRecipients(parsed);
    expect(candidates).toHaveLength(MAX_CANDIDATE_RECIPIENTS);
    expect(candidates[0]).toBe('support@mail.example.com');
    expect(omittedRecipientCount(parsed)).toBe(10_000 + 1 - MAX_CANDIDATE_RECIPIENTS);
  });
});

describe('splitPlusAddress', () => {
  it.each<[string, string, string | null]>([
    ['support+t42.k3j9x1@mail.example.com', 'support@mail.example.com', 't42.k3j9x1'],
    ['Support+T42.K3J9X1@Mail.Example.com', 'support@mail.example.com', 't42.k3j9x1'],
    ['support@mail.example.com', 'support@mail.example.com', null],
    ['support+@mail.example.com', 'support@mail.example.com', null],
    ['support+a+b@mail.example.com', 'support@mail.example.com', 'a+b'],
    ['+only@mail.example.com', '+only@mail.example.com', null],
    ['not-an-address', 'not-an-address', null],
  ])('%s -> %s + %s', (address, base, tag) => {
    expect(splitPlusAddress(address)).toEqual({ base, tag });
  });
});
