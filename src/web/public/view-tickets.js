import { html, useState } from './vendor/htm-preact.js';
import { get, query } from './api.js';
import { Badge, Field, Pager, rangeText, Select } from './components.js';
import { formatAge, formatDate, formatPerson } from './format.js';
import { useLoad, useTitle } from './hooks.js';

const PER_PAGE = 25;
const VIEWS = [
  ['', 'All'],
  ['me', 'Mine'],
  ['none', 'Unassigned'],
];
const STATUS_OPTIONS = [
  ['', 'All statuses'],
  ['open', 'Open'],
  ['pending', 'Pending'],
  ['closed', 'Closed'],
];

export function TicketsPage({ me, query: params, go }) {
  useTitle('Tickets');
  const status = params.get('status') ?? '';
  const assignee = params.get('assignee') ?? '';
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const { data: result, fallback } = useLoad(() => get(`/api/tickets${query({ status, assignee, q, page, per_page: PER_PAGE })}`));
  const [search, setSearch] = useState(q);
  if (fallback) return fallback;

  const show = (filters) => go(`#/tickets${query({ status, assignee, q: search.trim(), ...filters })}`);
  const unread = result.data.filter((t) => t.has_unread).length;
  return html`<section>
    <div class="page-head">
      <h1>Tickets</h1>
      <span class="muted small">${unread ? `${unread} with new messages on this page` : 'Newest activity first'}</span>
    </div>
    <nav class="segmented" aria-label="Whose tickets">
      ${VIEWS.map(([value, label]) => html`<a href=${`#/tickets${query({ status, q, assignee: value })}`} aria-current=${assignee === value ? 'page' : null}>${label}</a>`)}
    </nav>
    <form class="inline-form filters" role="search" onSubmit=${(e) => { e.preventDefault(); show({}); }}>
      <${Field} id="ticket-status" label="Status" class="narrow">
        <${Select} id="ticket-status" name="status" options=${STATUS_OPTIONS} value=${status} onChange=${(e) => show({ status: e.currentTarget.value })} />
      <//>
      <${Field} id="ticket-search" label="Search" class="wide">
        <input id="ticket-search" type="search" name="q" value=${search} placeholder="Subject, text or sender" maxlength="200"
          onInput=${(e) => setSearch(e.currentTarget.value)} />
      <//>
      <button type="submit" class="button">Search</button>
      ${q || status || assignee ? html`<a class="button secondary" href="#/tickets">Clear</a>` : null}
    </form>
    ${result.data.length
      ? html`<ul class="ticket-list" aria-label="Tickets">${result.data.map((t) => html`<li key=${t.id}><${TicketRow} ticket=${t} /></li>`)}</ul>`
      : html`<div class="ticket-list"><p class="empty">${emptyText(me, q, status || assignee)}</p></div>`}
    <${Pager} page=${page} perPage=${PER_PAGE} total=${result.total} summary=${rangeText(page, PER_PAGE, result.total, 'tickets')}
      href=${(target) => `#/tickets${query({ status, assignee, q, page: target })}`} />
  </section>`;
}

function emptyText(me, q, status) {
  if (q || status) return 'No tickets match these filters.';
  const address = me.tenant?.inbound_email_address;
  return address ? `No tickets yet. Mail sent to ${address} becomes a ticket here.` : 'No tickets yet.';
}

function TicketRow({ ticket: t }) {
  const requester = formatPerson(t.requester_name, t.requester_email);
  return html`<a class=${`ticket-row${t.has_unread ? ' unread' : ''}`} href=${`#/tickets/${t.id}`} data-ticket-id=${t.id}>
    <span class="dot" aria-hidden="true"></span>
    <span class="main-cell">
      ${t.has_unread ? html`<span class="visually-hidden">New messages: </span>` : null}
      <span class="subject">${t.subject || '(no subject)'}</span>
      <span class="requester">${`#${t.number} · ${requester} · ${t.message_count} message${t.message_count === 1 ? '' : 's'}`}</span>
    </span>
    <span class="status-cell"><${Badge} text=${t.status} /></span>
    <span class="when" title=${formatDate(t.last_activity_at)}>${formatAge(t.last_activity_at)}</span>
  </a>`;
}
