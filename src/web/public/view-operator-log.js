// The operator's processing log: every tenant's mail and the mail that reached no tenant, with
// "assign to a tenant and reprocess" for the latter.
import { html, useState } from './vendor/htm-preact.js';
import { get, post, query } from './api.js';
import { Badge, BusyButton, Field, Notice, Pager, rangeText, Select, TableHead, Time } from './components.js';
import { useAction, useLoad, useTitle } from './hooks.js';
import { sourceLabel } from './view-log.js';

const PER_PAGE = 50;
const NOT_FILED = ['failed', 'quarantined', 'held', 'rejected', 'ignored'];
const OUTCOMES = [['', 'All outcomes'], ...['created', 'appended', 'duplicate', 'ignored', 'quarantined', 'held', 'rejected', 'failed'].map((o) => [o, o])];

export function OperatorLogPage({ query: params, go, refresh }) {
  useTitle('All mail');
  const initial = { tenant_id: params.get('tenant_id') ?? '', status: params.get('status') ?? '' };
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const [filters, setFilters] = useState(initial);
  const { data, fallback } = useLoad(async () => {
    const [log, tenants] = await Promise.all([
      get(`/api/admin/email-processing-logs${query({ ...initial, page, per_page: PER_PAGE })}`),
      get('/api/tenants?per_page=200'),
    ]);
    return { log, tenants: tenants.tenants };
  });
  if (fallback) return fallback;

  const { log, tenants } = data;
  const names = new Map(tenants.map((t) => [t.id, t.name]));
  const tenantOptions = [['', 'All tenants'], ['none', 'No tenant (unrouted)'], ...tenants.map((t) => [String(t.id), t.name])];
  const bind = (name) => ({ id: `oplog-${name}`, name, value: filters[name], onChange: (e) => setFilters({ ...filters, [name]: e.currentTarget.value }) });
  return html`<section>
    <div class="page-head"><h1>All mail</h1><span class="muted small">Every tenant's processing log, and the mail no tenant's address matched.</span></div>
    <form class="inline-form filters" onSubmit=${(e) => { e.preventDefault(); go(`#/mail-log${query(filters)}`); }}>
      <${Field} id="oplog-tenant_id" label="Tenant"><${Select} options=${tenantOptions} ...${bind('tenant_id')} /><//>
      <${Field} id="oplog-status" label="Outcome"><${Select} options=${OUTCOMES} ...${bind('status')} /><//>
      <button type="submit" class="button">Filter</button>
    </form>
    ${log.data.length
      ? html`<div class="table-wrap"><table id="operator-log-table">
          <${TableHead} columns=${['Time', 'Tenant', 'Outcome', 'Source', 'From', 'Subject', 'Reason', 'Action']} />
          <tbody>${log.data.map((entry) => html`<${OperatorRow} key=${entry.id} entry=${entry} tenantName=${names.get(entry.tenant_id)} tenants=${tenants} refresh=${refresh} />`)}</tbody>
        </table></div>`
      : html`<div class="panel empty">No log entries match.</div>`}
    <${Pager} page=${page} perPage=${PER_PAGE} total=${log.total} summary=${rangeText(page, PER_PAGE, log.total, 'entries')}
      href=${(target) => `#/mail-log${query({ ...initial, page: target })}`} />
  </section>`;
}

function OperatorRow({ entry, tenantName, tenants, refresh }) {
  const action = useAction('Could not reprocess');
  const [assignTo, setAssignTo] = useState('');
  const from = entry.from ?? 'unknown sender';
  const runnable = NOT_FILED.includes(entry.outcome) && !entry.resolved_at;
  const unrouted = entry.tenant_id === null;
  const rerun = () =>
    action.run(async () => {
      const result = await post(`/api/admin/email-processing-logs/${entry.id}/reprocess`, unrouted ? { tenant_id: Number(assignTo) } : {});
      refresh();
      return { kind: 'ok', text: `Reprocessed: ${result.outcome}` };
    });
  return html`<tr data-log-id=${entry.id} data-outcome=${entry.outcome}>
    <td class="nowrap"><${Time} value=${entry.created_at} /></td>
    <td>${unrouted ? html`<span class="muted">no tenant</span>` : (tenantName ?? `#${entry.tenant_id}`)}</td>
    <td><${Badge} text=${entry.outcome} /></td>
    <td class="nowrap">${sourceLabel(entry.source)}</td>
    <td>${entry.from ?? '–'}</td>
    <td>${entry.subject ?? '–'}</td>
    <td class="reason">${entry.reason ?? ''}${entry.resolved_at ? html`<div class="small">Reprocessed</div>` : null}</td>
    <td class="nowrap">
      ${runnable && unrouted
        ? html`<${Select} options=${[['', 'Assign to…'], ...tenants.map((t) => [String(t.id), t.name])]} value=${assignTo}
            aria-label=${`Tenant for the message from ${from}`} onChange=${(e) => setAssignTo(e.currentTarget.value)} />`
        : null}
      ${runnable
        ? html`<${BusyButton} class="button small secondary" busy=${action.busy} disabled=${unrouted && !assignTo}
            label=${unrouted ? 'Assign and reprocess' : 'Reprocess'} busyLabel="Reprocessing…"
            aria-label=${`${unrouted ? 'Assign and reprocess' : 'Reprocess'} the message from ${from}`} onClick=${rerun} />`
        : null}
      <${Notice} class="small" notice=${action.notice} />
    </td>
  </tr>`;
}
