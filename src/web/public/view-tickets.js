import { html, useEffect, useRef, useState } from './vendor/htm-preact.js';
import { get, query } from './api.js';
import { Badge, Field, Pager, rangeText, Select } from './components.js';
import { formatAge, formatDate, formatPerson } from './format.js';
import { useLoad, useTitle } from './hooks.js';
import { useLiveEvents, useLiveStatus } from './live.js';
import { KeyHint, useListKeys } from './ticket-keys.js';

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
const SORT_OPTIONS = [
  ['activity', 'Newest activity'],
  ['waiting', 'Longest waiting'],
];

function filtersFrom(params) {
  return {
    status: params.get('status') ?? '',
    assignee: params.get('assignee') ?? '',
    q: params.get('q') ?? '',
    sort: params.get('sort') === 'waiting' ? 'waiting' : '',
    page: Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1),
  };
}

const hashOf = (filters) => `#/tickets${query({ ...filters, page: filters.page > 1 ? filters.page : undefined })}`;

export function TicketsPage({ me, query: params, go }) {
  useTitle('Tickets');
  // Filters change in place (the address follows without a new visit): the control in use keeps its focus.
  const [filters, setFilters] = useState(() => filtersFrom(params));
  const { status, assignee, q, sort, page } = filters;
  const { data: result, fallback, reload } = useLoad(() => get(`/api/tickets${query({ status, assignee, q, sort, page, per_page: PER_PAGE })}`));
  const [search, setSearch] = useState(q);
  const [selected, setSelected] = useState(-1);
  const list = useRef(null);
  const live = useLiveStatus();

  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    history.replaceState(null, '', hashOf(filters));
    reload({ quiet: true }).catch(() => reload());
  }, [status, assignee, q, sort, page]);
  useLiveEvents(() => reload({ quiet: true }).catch(() => undefined));

  const rows = result?.data ?? [];
  const openRow = (index, reply) => {
    const ticket = rows[index];
    if (ticket) go(`#/tickets/${ticket.id}${reply ? '?reply=1' : ''}`);
  };
  useListKeys({
    count: rows.length,
    selected,
    select: (index) => {
      setSelected(index);
      list.current?.querySelectorAll('.ticket-row')[index]?.focus();
    },
    open: openRow,
    search: () => document.getElementById('ticket-search')?.focus(),
  });
  if (fallback) return fallback;

  const apply = (changes) => setFilters({ ...filters, page: 1, ...changes });
  const unread = rows.filter((t) => t.has_unread).length;
  return html`<section>
    <div class="page-head">
      <h1>Tickets</h1>
      <span class="muted small">
        ${unread ? `${unread} with new messages on this page` : sort === 'waiting' ? 'Longest waiting first' : 'Newest activity first'}
        <span class=${`live-state ${live}`}>${live === 'live' ? ' · Live' : live === 'reconnecting' ? ' · Reconnecting…' : ''}</span>
      </span>
    </div>
    <nav class="segmented" aria-label="Whose tickets">
      ${VIEWS.map(([value, label]) => {
        const href = hashOf({ ...filters, assignee: value, page: 1 });
        return html`<a href=${href} aria-current=${assignee === value ? 'page' : null} onClick=${(e) => { e.preventDefault(); apply({ assignee: value }); }}>${label}</a>`;
      })}
    </nav>
    <form class="inline-form filters" role="search" onSubmit=${(e) => { e.preventDefault(); apply({ q: search.trim() }); }}>
      <${Field} id="ticket-status" label="Status" class="narrow">
        <${Select} id="ticket-status" name="status" options=${STATUS_OPTIONS} value=${status} onChange=${(e) => apply({ status: e.currentTarget.value })} />
      <//>
      <${Field} id="ticket-sort" label="Sort" class="narrow">
        <${Select} id="ticket-sort" name="sort" options=${SORT_OPTIONS} value=${sort || 'activity'}
          onChange=${(e) => apply({ sort: e.currentTarget.value === 'waiting' ? 'waiting' : '' })} />
      <//>
      <${Field} id="ticket-search" label="Search" class="wide">
        <input id="ticket-search" type="search" name="q" value=${search} placeholder="Subject, text or sender" maxlength="200"
          onInput=${(e) => setSearch(e.currentTarget.value)} />
      <//>
      <button type="submit" class="button">Search</button>
      ${q || status || sort || assignee ? html`<a class="button secondary" href="#/tickets" onClick=${(e) => { e.preventDefault(); setSearch(''); setFilters(filtersFrom(new URLSearchParams())); }}>Clear</a>` : null}
    </form>
    <${KeyHint} />
    ${rows.length
      ? html`<ul class="ticket-list" aria-label="Tickets" ref=${list}>${rows.map((t, i) => html`<li key=${t.id}>
          <${TicketRow} ticket=${t} selected=${i === selected} onFocus=${() => setSelected(i)} />
        </li>`)}</ul>`
      : html`<div class="ticket-list"><p class="empty">${emptyText(me, q, status || assignee)}</p></div>`}
    <${Pager} page=${page} perPage=${PER_PAGE} total=${result.total} summary=${rangeText(page, PER_PAGE, result.total, 'tickets')}
      href=${(target) => hashOf({ status, assignee, q, sort, page: target })} />
  </section>`;
}

function emptyText(me, q, status) {
  if (q || status) return 'No tickets match these filters.';
  const address = me.tenant?.inbound_email_address;
  return address ? `No tickets yet. Mail sent to ${address} becomes a ticket here.` : 'No tickets yet.';
}

function TicketRow({ ticket: t, selected, onFocus }) {
  const requester = formatPerson(t.requester_name, t.requester_email);
  const classes = ['ticket-row', t.has_unread ? 'unread' : '', selected ? 'selected' : ''].filter(Boolean).join(' ');
  return html`<a class=${classes} href=${`#/tickets/${t.id}`} data-ticket-id=${t.id} onFocus=${onFocus}>
    <span class="dot" aria-hidden="true"></span>
    <span class="main-cell">
      ${t.has_unread ? html`<span class="visually-hidden">New messages: </span>` : null}
      <span class="subject">${t.subject || '(no subject)'}</span>
      <span class="requester">${`#${t.number} · ${requester} · ${t.message_count} message${t.message_count === 1 ? '' : 's'}`}</span>
      ${t.preview ? html`<span class="preview">${t.preview}</span>` : null}
    </span>
    <span class="status-cell"><${Badge} text=${t.status} /></span>
    <span class="when" title=${formatDate(t.last_activity_at)}>${formatAge(t.last_activity_at)}</span>
  </a>`;
}
