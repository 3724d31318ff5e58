import { heldLimitOf, newTicketHoldReason, reachedThreshold } from './limit-policy';

describe('newTicketHoldReason', () => {
  const limits = { tier: 'starter', dailyMessageLimit: 10, storageLimitBytes: 100, newTicketsPerSenderPerHour: 3 };
  it.each<[string, Parameters<typeof newTicketHoldReason>[1], string | null]>([
    ['within every limit', { messagesReceivedToday: 9, bytesStored: 99, newTicketsFromSenderLastHour: 2 }, null],
    ['storage used up', { messagesReceivedToday: 0, bytesStored: 100 }, "held: the starter tier's storage of 0 MB is used up"],
    ['the day used up', { messagesReceivedToday: 10 }, "held: over the starter tier's 10 messages per day; released when the day rolls over"],
    ['the sender flooding', { messagesReceivedToday: 0, newTicketsFromSenderLastHour: 3 }, 'held: ann@example.org opened 3 tickets in the last hour; released an hour later'],
  ])('%s', (_, usage, expected) => {
    expect(newTicketHoldReason(limits, usage, 'ann@example.org')).toBe(expected);
  });

  it('never holds under unlimited limits, nor throttles mail without a sender', () => {
    expect(newTicketHoldReason({ tier: 'enterprise', dailyMessageLimit: null, storageLimitBytes: null, newTicketsPerSenderPerHour: null }, { messagesReceivedToday: 1e9, bytesStored: 1e12, newTicketsFromSenderLastHour: 1e6 }, 'a@b')).toBeNull();
    expect(newTicketHoldReason(limits, { messagesReceivedToday: 0, newTicketsFromSenderLastHour: 99 }, null)).toBeNull();
  });
});

describe('reachedThreshold', () => {
  it.each<[number, number | null, 80 | 100 | null]>([
    [79, 100, null],
    [80, 100, 80],
    [99, 100, 80],
    [100, 100, 100],
    [150, 100, 100],
    [5, null, null],
    [5, -1, null],
    [0, 0, 100],
  ])('%d of %s', (used, limit, expected) => {
    expect(reachedThreshold(used, limit)).toBe(expected);
  });
});

describe('heldLimitOf', () => {
  const limits = { tier: 'free', dailyMessageLimit: 1, storageLimitBytes: 1, newTicketsPerSenderPerHour: 1 };
  it.each<[Parameters<typeof newTicketHoldReason>[1], string]>([
    [{ messagesReceivedToday: 0, bytesStored: 1 }, 'storage'],
    [{ messagesReceivedToday: 1, bytesStored: 0 }, 'daily_messages'],
    [{ messagesReceivedToday: 0, bytesStored: 0, newTicketsFromSenderLastHour: 1 }, 'sender_throttle'],
  ])('names the limit of each hold reason (%j)', (usage, limit) => {
    expect(heldLimitOf(newTicketHoldReason(limits, usage, 'ann@example.org'))).toBe(limit);
  });
  it('names nothing for mail that was not held', () => {
    expect(heldLimitOf(null)).toBeNull();
    expect(heldLimitOf('spam')).toBeNull();
  });
});
