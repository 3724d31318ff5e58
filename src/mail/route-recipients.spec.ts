import { parseMessage } from './parse-message';
import { envelopeCandidates, headerCandidates, MAX_CANDIDATE_RECIPIENTS, splitPlusAddress } from './route-recipients';

function message(lines: string[]): Buffer {
  return Buffer.from([...lines, '', 'Hello'].join('\r\n'));
}

describe('envelopeCandidates / headerCandidates', () => {
  it('takes the envelope our delivery recorded, and To then Cc apart from it; lowercase and each once', async () => {
    const parsed = await parseMessage(
      message([
        'X-Original-To: Support+t42.abc@Mail.Example.com',
        'Delivered-To: catchall@mail.example.com',
        'To: "Ann" <ann@example.org>, SUPPORT+t42.abc@mail.example.com',
        'Cc: sales@mail.example.com, ann@example.org',
      ]),
    );
    expect(envelopeCandidates(parsed)).toEqual(['support+t42.abc@mail.example.com', 'catchall@mail.example.com']);
    expect(headerCandidates(parsed)).toEqual(['ann@example.org', 'support+t42.abc@mail.example.com', 'sales@mail.example.com']);
  });

  it('ignores a Delivered-To below the first Received header: an earlier hop or the sender wrote it', async () => {
    const parsed = await parseMessage(
      message(['Delivered-To: tenant-a@mail.example.com', 'Received: by mx.mail.example.com', 'Delivered-To: tenant-b@mail.example.com', 'To: x@example.org']),
    );
    expect(envelopeCandidates(parsed)).toEqual(['tenant-a@mail.example.com']);
    const forged = await parseMessage(message(['Received: by mx.mail.example.com', 'Delivered-To: tenant-b@mail.example.com', 'To: x@example.org']));
    expect(envelopeCandidates(forged)).toEqual([]);
  });

  it('skips what is no address (a bare name, an empty group)', async () => {
    const parsed = await parseMessage(message(['To: undisclosed-recipients:;', 'Cc: Support Team, real@example.org']));
    expect(headerCandidates(parsed)).toEqual(['real@example.org']);
  });

  it('offers at most the cap of 10,000 recipients, and the envelope apart from them', async () => {
    const crowd = Array.from({ length: 10_000 }, (_, i) => `person${i}@example.org`).join(', ');
    const parsed = await parseMessage(message([`To: ${crowd}`, 'Cc: support@mail.example.com', 'Delivered-To: support@mail.example.com']));
    expect(headerCandidates(parsed)).toHaveLength(MAX_CANDIDATE_RECIPIENTS);
    expect(envelopeCandidates(parsed)).toEqual(['support@mail.example.com']);
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
