import { SchedulerRegistry } from '@nestjs/schedule';
import { OUTBOX_POLL } from '../../src/outbound/outbox-schedule';
import { startTestApp } from '../support/test-app';

describe('periodic jobs', () => {
  it('registers the outbox poll as an interval of the app’s scheduler and removes it at shutdown', async () => {
    const t = await startTestApp('sqlite', { OUTBOX_POLL_INTERVAL_MS: '250' });
    const scheduler = t.app.get(SchedulerRegistry);
    try {
      expect(scheduler.getIntervals()).toEqual([OUTBOX_POLL]);
    } finally {
      await t.close();
    }
    expect(scheduler.getIntervals()).toEqual([]);
  });
});
