// One tenant's tokens and usage: "Team & usage" for its tenant admin, the tenant page for the platform admin.
import { html } from './vendor/htm-preact.js';
import { get } from './api.js';
import { Badge } from './components.js';
import { formatBytes, formatDate } from './format.js';
import { useLoad, useTitle } from './hooks.js';
import { TokensPanel } from './team-tokens.js';
import { LimitsForm } from './tenant-limits-form.js';

export function TeamPage({ me, params, refresh }) {
  const tenantId = params[0] ? Number(params[0]) : me.tenant_id;
  const platform = me.kind === 'platform_admin';
  const { data, fallback } = useLoad(async () => {
    const [tenant, usage, tokens] = await Promise.all([
      get(`/api/tenants/${tenantId}`),
      get(`/api/tenants/${tenantId}/usage`),
      get(`/api/tenants/${tenantId}/tokens`),
    ]);
    return { tenant, usage, tokens };
  });
  useTitle(platform ? data?.tenant.name : 'Team & usage');
  if (fallback) return fallback;

  const { tenant, usage, tokens } = data;
  return html`<section>
    ${platform ? html`<p class="small"><a href="#/tenants">← All tenants</a></p>` : null}
    <div class="page-head">
      <h1>${platform ? tenant.name : 'Team & usage'}</h1>
      <span><${Badge} text=${tenant.tier} kind="tier" />${' '}<${Badge} text=${tenant.status} /></span>
    </div>
    <div class="grid-2">
      <section class="panel" aria-labelledby="tenant-heading">
        <h2 id="tenant-heading">Tenant</h2>
        <dl class="facts">
          <dt>Name</dt><dd>${tenant.name}</dd>
          <dt>Slug</dt><dd><code>${tenant.slug}</code></dd>
          <dt>Inbound address</dt><dd><code>${tenant.inbound_email_address ?? '–'}</code></dd>
          <dt>Own domains</dt><dd>${tenant.domains.length ? tenant.domains.join(', ') : 'none'}</dd>
          <dt>Created</dt><dd>${formatDate(tenant.created_at)}</dd>
        </dl>
      </section>
      <${UsagePanel} report=${usage} />
    </div>
    ${platform ? html`<${LimitsForm} tenant=${tenant} onSaved=${refresh} />` : null}
    <${TokensPanel} tenantId=${tenantId} initial=${tokens.data} />
  </section>`;
}

const LIMIT_LABELS = { max_users: 'Users', max_domains: 'Own domains', max_storage_mb: 'Storage (MB)', max_messages_per_day: 'Messages today' };

function UsagePanel({ report }) {
  const rows = [
    ['Users', report.usage.users, report.limits.max_users, (v) => String(v)],
    ['Own domains', report.usage.domains, report.limits.max_domains, (v) => String(v)],
    ['Storage', report.usage.storage_mb, report.limits.max_storage_mb, (v, isLimit) => (isLimit ? formatBytes(v * 1024 * 1024) : formatBytes(report.usage.storage_bytes))],
    ['Messages today', report.usage.messages_today, report.limits.max_messages_per_day, (v) => String(v)],
  ];
  return html`<section class="panel" aria-labelledby="usage-heading">
    <h2 id="usage-heading">Usage on the ${report.tier} tier</h2>
    <ul class="usage-list">
      ${rows.map(([label, value, limit, format]) => {
        const unlimited = limit === -1;
        const text = unlimited ? `${format(value, false)} (unlimited)` : `${format(value, false)} of ${format(limit, true)}`;
        return html`<li>
          <div class="usage-label"><span>${label}</span><span class="muted">${text}</span></div>
          ${unlimited
            ? null
            : html`<meter min="0" max=${limit} low=${limit * 0.75} high=${limit * 0.9} optimum="0" value=${Math.min(value, limit)} aria-label=${`${label}: ${text}`}></meter>`}
        </li>`;
      })}
    </ul>
    ${(report.warnings ?? []).map((w) => html`<p class="notice warning" role="status">${LIMIT_LABELS[w.limit] ?? w.limit}: ${w.threshold === 100 ? 'limit reached' : `${w.threshold}% of the limit used`} (${w.used} of ${w.max})${w.limit === 'max_messages_per_day' || w.limit === 'max_storage_mb' ? ' — new tickets over it are held, not lost; see the processing log' : ''}.</p>`)}
    <p class="small muted">Messages so far: ${report.usage.messages_in_total ?? 0} in, ${report.usage.messages_out_total ?? 0} out.</p>
  </section>`;
}
