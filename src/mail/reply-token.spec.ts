import { createReplyToken, replyAddress, verifyReplyToken } from './reply-token';

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);
const TENANT = 3;

describe('createReplyToken / verifyReplyToken', () => {
  it.each([1, 42, 987_654_321, Number.MAX_SAFE_INTEGER])('round-trips ticket %i', (ticketId) => {
    const token = createReplyToken({ tenantId: TENANT, ticketId }, key);
    expect(token).toMatch(new RegExp(`^t${ticketId}\\.[a-z2-7]{16}$`));
    expect(verifyReplyToken(token, TENANT, key)).toEqual({ ticketId });
  });

  it('is stable for one key and differs between keys, tickets and tenants', () => {
    const token = (tenantId: number, ticketId: number, k = key) => createReplyToken({ tenantId, ticketId }, k);
    expect(token(TENANT, 42)).toBe(token(TENANT, 42));
    expect(token(TENANT, 42)).not.toBe(token(TENANT, 42, otherKey));
    expect(token(TENANT, 42).split('.')[1]).not.toBe(token(TENANT, 43).split('.')[1]);
    expect(token(TENANT, 42).split('.')[1]).not.toBe(token(TENANT + 1, 42).split('.')[1]);
  });

  it("never verifies for another tenant, even for a ticket id that tenant has", () => {
    const ofTenantA = createReplyToken({ tenantId: 1, ticketId: 42 }, key);
    expect(verifyReplyToken(ofTenantA, 1, key)).toEqual({ ticketId: 42 });
    expect(verifyReplyToken(ofTenantA, 2, key)).toBeNull();
    expect(verifyReplyToken(ofTenantA, 12, key)).toBeNull();
  });

  it('survives an MTA that upper-cases the local part', () => {
    expect(verifyReplyToken(createReplyToken({ tenantId: TENANT, ticketId: 42 }, key).toUpperCase(), TENANT, key)).toEqual({ ticketId: 42 });
  });

  const valid = createReplyToken({ tenantId: TENANT, ticketId: 42 }, key);
  const signature = valid.split('.')[1];
  it.each<[string, string]>([
    ['another ticket with a valid signature', `t43.${signature}`],
    ['a signature from another key', createReplyToken({ tenantId: TENANT, ticketId: 42 }, otherKey)],
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
    expect(verifyReplyToken(tag, TENANT, key)).toBeNull();
  });

  it.each([0, -1, 1.5, Number.NaN])('will not sign ticket id %p or tenant id %p', (id) => {
    expect(() => createReplyToken({ tenantId: TENANT, ticketId: id }, key)).toThrow(RangeError);
    expect(() => createReplyToken({ tenantId: id, ticketId: 1 }, key)).toThrow(RangeError);
  });

  it('will not sign with a short key', () => {
    expect(() => createReplyToken({ tenantId: TENANT, ticketId: 1 }, Buffer.alloc(8))).toThrow(RangeError);
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
