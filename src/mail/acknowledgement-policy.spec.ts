import { acknowledgementDecision, AcknowledgementContext } from './acknowledgement-policy';

const base: AcknowledgementContext = {
  enabled: true,
  sender: 'customer@example.com',
  isAutoReply: false,
  isBounce: false,
  isMailingList: false,
  isOurAddress: false,
  senderLastMailWasAutoReply: false,
  acknowledgementsToSenderLastHour: 0,
};

describe('acknowledgementDecision', () => {
  it('acknowledges an ordinary customer mail', () => {
    expect(acknowledgementDecision(base)).toEqual({ send: true });
  });

  it.each<[string, Partial<AcknowledgementContext>]>([
    ['switched off', { enabled: false }],
    ['no sender', { sender: null }],
    ['auto-reply', { isAutoReply: true }],
    ['bounce', { isBounce: true }],
    ['mailing list', { isMailingList: true }],
    ['our own address', { isOurAddress: true }],
    ['the sender asked for no automatic responses (X-Auto-Response-Suppress)', { asksForNoAutoResponse: true }],
    ['mailer-daemon', { sender: 'MAILER-DAEMON@example.com' }],
    ['postmaster', { sender: 'postmaster@example.com' }],
    ['noreply', { sender: 'noreply@example.com' }],
    ['no-reply', { sender: 'no-reply@shop.example' }],
    ['do-not-reply', { sender: 'do-not-reply@shop.example' }],
    ['last mail auto-reply', { senderLastMailWasAutoReply: true }],
    ['rate limit reached', { acknowledgementsToSenderLastHour: 3 }],
  ])('suppresses when %s', (_, change) => {
    expect(acknowledgementDecision({ ...base, ...change }).send).toBe(false);
  });

  it('does not mistake a person named "noreplyfan" for a system address', () => {
    expect(acknowledgementDecision({ ...base, sender: 'noreplyfan@example.com' })).toEqual({ send: true });
  });
});
