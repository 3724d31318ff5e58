// Who did what: the audit log, filtered and paged (tenant admins see their tenant, operators all).
import { html, useState } from './vendor/htm-preact.js';
import { get, query } from './api.js';
import { Field, Pager, rangeText, Select, TableHead, Time } from './components.js';
import { dayEnd, dayStart } from './format.js';
import { useLoad, useTitle } from './hooks.js';

const PER_PAGE = 50;
const FILTERS = ['action', 'actor_kind', 'tenant_id', 'from', 'to'];
const ACTORS = [
  ['', 'Anyone'],
  ['user', 'A person'],
  ['operator', 'An operator'],
  ['token', 'An API token'],
  ['bootstrap', 'ADMIN_API_TOKEN'],
  ['anonymous', 'Not signed in'],
];
const dash = html`<span class="muted">–</span>`;

export function AuditPage({ me, query: params, go }) {
  useTitle('Audit log');
  const platform = me.kind === 'platform_admin';
  const initial = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? '']));
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const [filters, setFilters] = useState(initial);
  const { data: log, fallback } = useLoad(() => {
    const { action, actor_kind, tenant_id, from, to } = initial;
    return get(`/api/audit-log${query({ action, actor_kind, tenant_id: platform ? tenant_id : '', from: dayStart(from), to: dayEnd(to), page, per_page: PER_PAGE })}`);
  });
  if (fallback) return fallback;

  const filtered = FILTERS.some((name) => initial[name]);
  const bind = (name) => ({ id: `audit-${name}`, name, value: filters[name], onInput: (e) => setFilters({ ...filters, [name]: e.currentTarget.value }) });
  return html`<section>
    <div class="page-head"><h1>Audit log</h1><span class="muted small">Who changed what, signed in or failed to, newest first.</span></div>
    <form class="inline-form filters" onSubmit=${(e) => { e.preventDefault(); go(`#/audit${query(filters)}`); }}>
      <${Field} id="audit-action" label="Action"><input placeholder="user. or email_settings.updated" ...${bind('action')} /><//>
      <${Field} id="audit-actor_kind" label="Who"><${Select} options=${ACTORS} ...${bind('actor_kind')} /><//>
      ${platform ? html`<${Field} id="audit-tenant_id" label="Tenant id"><input inputmode="numeric" ...${bind('tenant_id')} /><//>` : null}
      <${Field} id="audit-from" label="From day"><input type="date" ...${bind('from')} /><//>
      <${Field} id="audit-to" label="To day"><input type="date" ...${bind('to')} /><//>
      <button type="submit" class="button">Filter</button>
      ${filtered ? html`<a class="button secondary" href="#/audit">Clear</a>` : null}
    </form>
    ${log.data.length
      ? html`<div class="table-wrap"><table id="audit-table">
          <caption class="visually-hidden">Audit log, newest first</caption>
          <${TableHead} columns=${['Time', 'Who', 'Action', 'Target', 'Changes', ...(platform ? ['Tenant'] : []), 'Address']} />
          <tbody>${log.data.map((entry) => html`<tr key=${entry.id} data-action=${entry.action}>
            <td class="nowrap"><${Time} value=${entry.at} /></td>
            <td>${entry.actor.name ?? entry.actor.kind}${entry.actor.name ? html`<div class="muted small">${entry.actor.kind}</div>` : null}</td>
            <td><code>${entry.action}</code></td>
            <td>${entry.target ? `${entry.target.type} ${entry.target.id}` : dash}</td>
            <td class="reason">${changesText(entry.changes) || dash}</td>
            ${platform ? html`<td>${entry.tenant_id ?? dash}</td>` : null}
            <td class="nowrap">${entry.ip ?? dash}</td>
          </tr>`)}</tbody>
        </table></div>`
      : html`<div class="panel empty">${filtered ? 'No entries match these filters.' : 'Nothing recorded yet.'}</div>`}
    <${Pager} page=${page} perPage=${PER_PAGE} total=${log.total} summary=${rangeText(page, PER_PAGE, log.total, 'entries')}
      href=${(target) => `#/audit${query({ ...initial, page: target })}`} />
  </section>`;
}

function changesText(changes) {
  if (!changes) return '';
  const show = (value) => (value === null || value === '' ? '(none)' : JSON.stringify(value));
  return Object.entries(changes)
    .map(([field, change]) => (change.changed ? `${field} changed` : `${field}: ${show(change.before)} → ${show(change.after)}`))
    .join('; ');
}
