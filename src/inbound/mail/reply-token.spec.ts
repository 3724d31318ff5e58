import { createReplyToken, replyAddress, verifyReplyToken } from './reply-token';

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);

describe('createReplyToken / verifyReplyToken', () => {
  it.each([1, 42, 987_654_321, Number.MAX_SAFE_INTEGER])('round-trips ticket %i', (ticketId) => {
    const token = createReplyToken(ticketId, key);
    expect(token).toMatch(new RegExp(`^t${ticketId}\\.[a-z2-7]{16}$`));
    expect(verifyReplyToken(token, key)).toEqual({ ticketId });
  });

  it('is stable for one key and differs between keys and tickets', () => {
    expect(createReplyToken(42, key)).toBe(createReplyToken(42, key));
    expect(createReplyToken(42, key)).not.toBe(createReplyToken(42, otherKey));
    expect(createReplyToken(42, key).split('.')[1]).not.toBe(createReplyToken(43, key).split('.')[1]);
  });

  it('survives an MTA that upper-cases the local part', () => {
    expect(verifyReplyToken(createReplyToken(42, key).toUpperCase(), key)).toEqual({ ticketId: 42 });
  });

  const valid = createReplyToken(42, key);
  const signature = valid.split('.')[1];
  it.each<[string, string]>([
    ['another ticket with a valid signature', `t43.${signature}`],
    ['a signature from another key', createReplyToken(42, otherKey)],
    ['one changed character', `t42.${signature.slice(0, -1)}${signature.endsWith('a') ? 'b' : 'a'}`],
    ['a shortened signature', `t42.${signature.slice(0, 10)}`],
    ['a lengthened signature', `${valid}a`],
    ['no signature', 't42'],
    ['a guessed signature', 't42.aaaaaaaaaaaaaaaa'],
    ['a leading zero', `t042.${signature}`],
    ['a negative ticket', `t-42.${signature}`],
    ['a ticket beyond safe integers', `t99999999999999999.${signature}`],
    ['characters outside base32', `t42.${signature.slice(0, -1)}1`],
    ['an empty tag', ''],
    ['something else entirely', 'newsletter'],
  ])('refuses %s', (_, tag) => {
    expect(verifyReplyToken(tag, key)).toBeNull();
  });

  it.each([0, -1, 1.5, Number.NaN])('will not sign ticket id %p', (ticketId) => {
    expect(() => createReplyToken(ticketId, key)).toThrow(RangeError);
  });

  it('will not sign with a short key', () => {
    expect(() => createReplyToken(1, Buffer.alloc(8))).toThrow(RangeError);
  });
});

describe('replyAddress', () => {
  it.each<[string, string, string]>([
    ['support@mail.example.com', 't42.abc', 'support+t42.abc@mail.example.com'],
    ['Support@Mail.Example.com', 't42.abc', 'support+t42.abc@mail.example.com'],
    ['support+old@mail.example.com', 't42.abc', 'support+t42.abc@mail.example.com'],
  ])('%s + %s -> %s', (inbound, token, address) => {
    expect(replyAddress(inbound, token)).toBe(address);
  });

  it('refuses something that is no address', () => {
    expect(() => replyAddress('support', 't1.x')).toThrow(RangeError);
  });
});
