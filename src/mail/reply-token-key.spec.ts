import { replyTokenKey } from './reply-token-key';

describe('replyTokenKey', () => {
  it('is 32 bytes, stable for one APP_KEY and different for another', () => {
    const key = replyTokenKey('a'.repeat(32));
    expect(key).toHaveLength(32);
    expect(replyTokenKey('a'.repeat(32)).equals(key)).toBe(true);
    expect(replyTokenKey('b'.repeat(32)).equals(key)).toBe(false);
  });

  it('is HKDF-SHA256 with salt "inbound" and info "reply-token" (fixed vector: other programs may derive it too)', () => {
    expect(replyTokenKey('0123456789abcdef0123456789abcdef').toString('hex')).toBe(
      'b9dbb3ce811512d4d15545c1c6b325fd2d125efabe9961a3d79b0941c7d5a123',
    );
  });
});
