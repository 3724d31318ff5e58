import type { LimitWarning } from '../tenants/tenant-usage-report';
import type { LimitName } from '../tenants/tiers';

export const ONGOING = 'ongoing';

/** A tenant is told once per UTC day about its daily message limit; about the others once until usage drops below again. */
export function noticePeriod(limit: LimitName, day: string): string {
  return limit === 'max_messages_per_day' ? day : ONGOING;
}

const WHAT: Record<LimitName, { name: string; unit: string; atLimit: string; nearLimit: string }> = {
  max_messages_per_day: {
    name: 'messages per day',
    unit: 'messages today',
    atLimit: 'Mail opening new tickets is now held, not lost: it is filed by itself after midnight (UTC), or when you release it under Processing log › Held. Replies to existing tickets still arrive.',
    nearLimit: 'At the limit, mail opening new tickets is held (not lost) until the next day; replies to existing tickets still arrive.',
  },
  max_storage_mb: {
    name: 'storage',
    unit: 'MB stored',
    atLimit: 'Mail opening new tickets is now held, not lost: it is filed once there is room again (remove old tickets, or ask for a larger plan). Replies to existing tickets still arrive.',
    nearLimit: 'At the limit, mail opening new tickets is held (not lost) until there is room; replies to existing tickets still arrive.',
  },
  max_users: { name: 'people', unit: 'people', atLimit: 'No one more can be added until someone is removed or the plan is raised.', nearLimit: 'At the limit, no one more can be added.' },
  max_domains: { name: 'domains', unit: 'domains', atLimit: 'No other domain can be added until one is removed or the plan is raised.', nearLimit: 'At the limit, no other domain can be added.' },
};

/** The e-mail to a tenant's admins at 80 % and 100 % of a limit. */
export function limitNoticeMail(tenantName: string, warning: LimitWarning, publicUrl: string): { subject: string; text: string } {
  const what = WHAT[warning.limit];
  const reached = warning.threshold >= 100;
  return {
    subject: reached ? `${tenantName} reached its limit of ${what.name}` : `${tenantName} is at ${warning.threshold}% of its limit of ${what.name}`,
    text: [
      `${tenantName} has used ${Math.round(warning.used * 10) / 10} of ${warning.max} ${what.unit} (${reached ? 'the limit' : `${warning.threshold}%`} of its plan).`,
      '',
      reached ? what.atLimit : what.nearLimit,
      '',
      `Usage: ${publicUrl}/#/team`,
    ].join('\n'),
  };
}
