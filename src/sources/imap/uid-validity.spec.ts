import { resumeDecision } from './uid-validity';

describe('resumeDecision', () => {
  it('starts from the beginning when the mailbox was never read', () => {
    expect(resumeDecision(null, 1700000001n)).toEqual({ kind: 'first-run', uidValidity: '1700000001', lastUid: 0 });
    expect(resumeDecision({ uidValidity: null, lastUid: 0 }, 7)).toEqual({ kind: 'first-run', uidValidity: '7', lastUid: 0 });
  });

  it('resumes after the last committed UID when UIDVALIDITY is unchanged', () => {
    expect(resumeDecision({ uidValidity: '7', lastUid: 42 }, 7n)).toEqual({ kind: 'resume', uidValidity: '7', lastUid: 42 });
  });

  it('forgets the last UID when UIDVALIDITY changed, so renumbered messages below it are not skipped', () => {
    expect(resumeDecision({ uidValidity: '7', lastUid: 42 }, '8')).toEqual({
      kind: 'uidvalidity-changed',
      uidValidity: '8',
      previousUidValidity: '7',
      lastUid: 0,
    });
  });

  it('compares the bigint UIDVALIDITY from the server with the stored string', () => {
    expect(resumeDecision({ uidValidity: '4294967295', lastUid: 3 }, 4294967295n).kind).toBe('resume');
  });
});
