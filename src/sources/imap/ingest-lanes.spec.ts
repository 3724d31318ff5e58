import { handledPrefix, LaneMessage, messageIdsIn, planIngestLanes } from './ingest-lanes';

const message = (uid: number, sender: string | null, messageId: string | null = null, answers: string[] = []): LaneMessage => ({ uid, sender, messageId, answers });

describe('planIngestLanes', () => {
  it('puts messages of different senders in lanes of their own', () => {
    expect(planIngestLanes([message(1, 'a@x.test'), message(2, 'b@x.test'), message(3, 'c@x.test')])).toEqual([[1], [2], [3]]);
  });

  it('keeps the messages of one sender in one lane, in UID order, whatever the case of the address', () => {
    expect(planIngestLanes([message(3, 'A@x.test'), message(1, 'a@x.test'), message(2, 'b@x.test')])).toEqual([[1, 3], [2]]);
  });

  it('puts a reply from someone else in the lane of the message it answers', () => {
    const lanes = planIngestLanes([
      message(1, 'customer@x.test', '<orig@x.test>'),
      message(2, 'other@y.test', '<other@y.test>'),
      message(3, 'colleague@x.test', '<re@x.test>', ['<ORIG@x.test>']),
    ]);
    expect(lanes).toEqual([[1, 3], [2]]);
  });

  it('joins lanes transitively: a reply to a reply follows the whole chain', () => {
    const lanes = planIngestLanes([
      message(1, 'a@x.test', '<1@x>'),
      message(2, 'b@x.test', '<2@x>', ['<1@x>']),
      message(3, 'c@x.test', '<3@x>', ['<1@x>', '<2@x>']),
      message(4, 'b@x.test', '<4@x>'),
      message(5, 'd@x.test', '<5@x>'),
    ]);
    expect(lanes).toEqual([[1, 2, 3, 4], [5]]);
  });

  it('keeps messages without a sender apart unless a reply links them', () => {
    expect(planIngestLanes([message(1, null, '<1@x>'), message(2, null), message(3, '', null, ['<1@x>'])])).toEqual([[1, 3], [2]]);
  });

  it('returns no lanes for no messages', () => {
    expect(planIngestLanes([])).toEqual([]);
  });
});

describe('messageIdsIn', () => {
  it.each([
    ['<a@x> <b@y>', ['<a@x>', '<b@y>']],
    ['<a@x>\r\n <b@y>', ['<a@x>', '<b@y>']],
    ['', []],
    [null, []],
    ['no ids here', []],
  ])('%j -> %j', (value, ids) => expect(messageIdsIn(value)).toEqual(ids));
});

describe('handledPrefix', () => {
  it('moves to the last UID when the whole batch was handled', () => {
    expect(handledPrefix([4, 5, 6], new Set([4, 5, 6]), 3)).toBe(6);
  });

  it('stops before the first message that was not handled', () => {
    expect(handledPrefix([4, 5, 6, 7], new Set([4, 6, 7]), 3)).toBe(4);
  });

  it('stays where it was when the first message was not handled', () => {
    expect(handledPrefix([4, 5], new Set([5]), 3)).toBe(3);
  });

  it('never moves backwards', () => {
    expect(handledPrefix([1, 2], new Set([1, 2]), 9)).toBe(9);
  });
});
