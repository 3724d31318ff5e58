import { SchedulerRegistry } from '@nestjs/schedule';
import { AUDIT_RETENTION_SWEEP } from '../../src/audit/audit-log.service';
import { OUTBOX_POLL } from '../../src/outbound/outbox-schedule';
import { startTestApp } from '../support/test-app';

describe('periodic jobs', () => {
  it('registers the outbox poll and the audit retention sweep as intervals of the app’s scheduler and removes them at shutdown', async () => {
    const t = await startTestApp('sqlite', { OUTBOX_POLL_INTERVAL_MS: '250' });
    const scheduler = t.app.get(SchedulerRegistry);
    try {
      expect(scheduler.getIntervals().sort()).toEqual([AUDIT_RETENTION_SWEEP, OUTBOX_POLL].sort());
    } finally {
      await t.close();
    }
    expect(scheduler.getIntervals()).toEqual([]);
  });
});
