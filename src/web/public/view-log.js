import { html, useState } from './vendor/htm-preact.js';
import { get, query } from './api.js';
import { Badge, Field, Pager, rangeText, Select, TableHead, Time } from './components.js';
import { dayEnd, dayStart, formatBytes, formatDate } from './format.js';
import { useLoad, useTitle } from './hooks.js';
import { FailedPanel } from './log-failed.js';
import { LogActions } from './log-actions.js';

const PER_PAGE = 50;
const OUTCOMES = [
  ['', 'All outcomes'],
  ['created', 'Created a ticket'],
  ['appended', 'Added to a ticket'],
  ['duplicate', 'Duplicate'],
  ['ignored', 'Ignored'],
  ['quarantined', 'Quarantined (spam)'],
  ['held', 'Held (over a limit)'],
  ['rejected', 'Rejected'],
  ['failed', 'Failed'],
];
const SOURCES = [
  ['', 'All sources'],
  ['webhook', 'Webhook'],
  ['imap', 'IMAP'],
  ['file_monitor', 'Maildir'],
  ['reprocess', 'Reprocessed'],
];
const FILTERS = ['status', 'source', 'from', 'to'];

export function LogPage({ query: params, go, refresh }) {
  useTitle('Processing log');
  const initial = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? '']));
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const [filters, setFilters] = useState(initial);
  const { data, fallback } = useLoad(async () => {
    const { status, source, from, to } = initial;
    const [log, failed] = await Promise.all([
      get(`/api/email-processing-logs${query({ status, source, from: dayStart(from), to: dayEnd(to), page, per_page: PER_PAGE })}`),
      get('/api/inbound/failed'),
    ]);
    return { log, failed };
  });
  if (fallback) return fallback;

  const { log, failed } = data;
  const filtered = FILTERS.some((name) => initial[name]);
  const bind = (name) => ({ id: `log-${name}`, name, value: filters[name], onChange: (e) => setFilters({ ...filters, [name]: e.currentTarget.value }) });
  return html`<section>
    <div class="page-head"><h1>Processing log</h1><span class="muted small">Every message that came in, what was done with it, and why.</span></div>
    <${FailedPanel} failed=${failed} refresh=${refresh} />
    <h2>All messages</h2>
    <form class="inline-form filters" onSubmit=${(e) => { e.preventDefault(); go(`#/log${query(filters)}`); }}>
      <${Field} id="log-status" label="Outcome"><${Select} options=${OUTCOMES} ...${bind('status')} /><//>
      <${Field} id="log-source" label="Source"><${Select} options=${SOURCES} ...${bind('source')} /><//>
      <${Field} id="log-from" label="From day"><input type="date" ...${bind('from')} /><//>
      <${Field} id="log-to" label="To day"><input type="date" ...${bind('to')} /><//>
      <button type="submit" class="button">Filter</button>
      ${filtered ? html`<a class="button secondary" href="#/log">Clear</a>` : null}
    </form>
    ${log.data.length
      ? html`<div class="table-wrap"><table id="log-table">
          <caption class="visually-hidden">Processing log, newest first</caption>
          <${TableHead} columns=${['Time', 'Outcome', 'Source', 'From', 'Subject', 'Reason', 'Ticket']} />
          <tbody>${log.data.map((entry) => html`<${LogRow} key=${entry.id} entry=${entry} refresh=${refresh} />`)}</tbody>
        </table></div>`
      : html`<div class="panel empty">${filtered ? 'No log entries match these filters.' : 'Nothing has come in yet.'}</div>`}
    <${Pager} page=${page} perPage=${PER_PAGE} total=${log.total} summary=${rangeText(page, PER_PAGE, log.total, 'entries')}
      href=${(target) => `#/log${query({ ...initial, page: target })}`} />
  </section>`;
}

export function sourceLabel(source) {
  return SOURCES.find(([value]) => value === source)?.[1] ?? source;
}

const dash = html`<span class="muted">–</span>`;

function LogRow({ entry, refresh }) {
  return html`<tr data-log-id=${entry.id} data-outcome=${entry.outcome}>
    <td class="nowrap"><${Time} value=${entry.created_at} /></td>
    <td><${Badge} text=${entry.outcome} /></td>
    <td class="nowrap">${sourceLabel(entry.source)}${entry.size_bytes ? html`<div class="muted small">${formatBytes(entry.size_bytes)}</div>` : null}</td>
    <td>${entry.from ?? dash}</td>
    <td>${entry.subject ?? dash}</td>
    <td class="reason">
      ${entry.reason ?? ''}
      ${entry.error && entry.error !== entry.reason ? html`<div class="muted small">${entry.error}</div>` : null}
      ${entry.resolved_at ? html`<div class="small">Reprocessed ${formatDate(entry.resolved_at)}</div>` : null}
    </td>
    <td class="nowrap">
      ${entry.ticket_id ? html`<a href=${`#/tickets/${entry.ticket_id}`}>Open ticket</a>` : null}
      <${LogActions} entry=${entry} refresh=${refresh} />
    </td>
  </tr>`;
}
