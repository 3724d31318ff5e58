import { SetMetadata } from '@nestjs/common';

export const AUDITED_KEY = 'inbound:audited';

export interface AuditedOptions {
  /** What the action is done to: its id comes from the route's `<target>Id` parameter, else the answer's `id`. */
  target?: string;
  /** Also record refusals (401, 403, 429) as `<action>_failed`: sign-in attempts. */
  failures?: boolean;
}

/** Names the action a route performs in the audit log, e.g. `@Audited('domain.added', { target: 'domain' })`. */
export const Audited = (action: string, options: AuditedOptions = {}) => SetMetadata(AUDITED_KEY, { action, ...options });

/** A state-changing route that is no action of note (a draft saved while typing): no audit entry. */
export const NotAudited = () => SetMetadata(AUDITED_KEY, { skip: true });
