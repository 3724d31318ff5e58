import { mailFrameKey, readMailFrameLink, signMailFrameLink } from './mail-frame-link';

describe('mail frame links', () => {
  const key = mailFrameKey('app-key-for-tests-0123456789abcdef');
  const now = new Date('2026-12-01T12:00:00Z');
  const inAnHour = new Date(now.getTime() + 3_600_000);

  it('grants the one message of the one tenant it was signed for, until it expires', () => {
    const link = signMailFrameLink(key, { tenantId: 7, messageId: 42 }, inAnHour);
    expect(readMailFrameLink(key, link, now)).toEqual({ tenantId: 7, messageId: 42 });
    expect(readMailFrameLink(key, link, inAnHour)).toBeNull();
  });

  it('refuses a changed tenant, message or expiry, another key, and garbage', () => {
    const link = signMailFrameLink(key, { tenantId: 7, messageId: 42 }, inAnHour);
    const [, , expiry, mac] = link.split('.');
    expect(readMailFrameLink(key, `8.42.${expiry}.${mac}`, now)).toBeNull();
    expect(readMailFrameLink(key, `7.43.${expiry}.${mac}`, now)).toBeNull();
    expect(readMailFrameLink(key, `7.42.${Number(expiry) + 1}.${mac}`, now)).toBeNull();
    expect(readMailFrameLink(mailFrameKey('another-app-key-0123456789abcdef'), link, now)).toBeNull();
    for (const garbage of ['', 'x', '7.42', `${link}x`, `0.42.${expiry}.${mac}`]) expect(readMailFrameLink(key, garbage, now)).toBeNull();
  });
});
