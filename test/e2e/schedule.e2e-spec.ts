import { LIMIT_NOTICES } from '../../src/notices/limit-notices.service';
import { SchedulerRegistry } from '@nestjs/schedule';
import { HELD_MAIL_RELEASE } from '../../src/inbound/held-mail-release';
import { EVENTS_PRUNE } from '../../src/events/events-hub';
import { AUDIT_RETENTION_SWEEP } from '../../src/audit/audit-log.service';
import { OUTBOX_POLL } from '../../src/outbound/outbox-schedule';
import { startTestApp } from '../support/test-app';

describe('periodic jobs', () => {
  it('registers the outbox poll, the held-mail release, the events pruning, the audit retention sweep and the limit notices as intervals of the app’s scheduler and removes them at shutdown', async () => {
    const t = await startTestApp('sqlite', { OUTBOX_POLL_INTERVAL_MS: '250' });
    const scheduler = t.app.get(SchedulerRegistry);
    try {
      expect(scheduler.getIntervals().sort()).toEqual([AUDIT_RETENTION_SWEEP, EVENTS_PRUNE, HELD_MAIL_RELEASE, LIMIT_NOTICES, OUTBOX_POLL].sort());
    } finally {
      await t.close();
    }
    expect(scheduler.getIntervals()).toEqual([]);
  });
});
