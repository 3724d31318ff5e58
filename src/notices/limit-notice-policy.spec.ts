import { limitNoticeMail, noticePeriod } from './limit-notice-policy';

describe('limit notices', () => {
  it('are once a day for the daily message limit and once per crossing for the others', () => {
    expect(noticePeriod('max_messages_per_day', '2026-12-01')).toBe('2026-12-01');
    expect(noticePeriod('max_storage_mb', '2026-12-01')).toBe('ongoing');
  });

  it('say what happens at the limit: mail held, not lost', () => {
    const near = limitNoticeMail('Acme', { limit: 'max_messages_per_day', threshold: 80, used: 800, max: 1000 }, 'https://h.example');
    expect(near.subject).toBe('Acme is at 80% of its limit of messages per day');
    expect(near.text).toContain('has used 800 of 1000 messages today (80% of its plan)');
    expect(near.text).toContain('held (not lost)');
    const full = limitNoticeMail('Acme', { limit: 'max_storage_mb', threshold: 100, used: 1024.04, max: 1024 }, 'https://h.example');
    expect(full.subject).toBe('Acme reached its limit of storage');
    expect(full.text).toContain('1024 of 1024 MB stored (the limit of its plan)');
    expect(full.text).toContain('https://h.example/#/team');
  });
});
