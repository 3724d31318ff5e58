import { get, query } from './api.js';
import { badge, field, formatAge, formatDate, h, select } from './dom.js';

const PER_PAGE = 25;
const STATUS_OPTIONS = [
  ['', 'All statuses'],
  ['open', 'Open'],
  ['pending', 'Pending'],
  ['closed', 'Closed'],
];

export async function ticketsView(ctx) {
  const status = ctx.query.get('status') ?? '';
  const q = ctx.query.get('q') ?? '';
  const page = Math.max(1, Number.parseInt(ctx.query.get('page') ?? '1', 10) || 1);
  const result = await get(`/api/tickets${query({ status, q, page, per_page: PER_PAGE })}`);

  const statusSelect = select('status', STATUS_OPTIONS, status);
  const search = h('input', { type: 'search', name: 'q', value: q, placeholder: 'Subject, text or sender', maxlength: '200' });
  const go = (overrides = {}) =>
    ctx.go(`#/tickets${query({ status: statusSelect.value, q: search.value.trim(), ...overrides })}`);
  statusSelect.addEventListener('change', () => go());

  const filters = h(
    'form',
    {
      class: 'inline-form filters',
      role: 'search',
      onsubmit: (event) => {
        event.preventDefault();
        go();
      },
    },
    field('Status', statusSelect, null, 'narrow'),
    field('Search', search, null, 'wide'),
    h('button', { type: 'submit', class: 'button' }, 'Search'),
    q || status ? h('a', { class: 'button secondary', href: '#/tickets' }, 'Clear') : null,
  );

  const list = result.data.length
    ? h('ul', { class: 'ticket-list', 'aria-label': 'Tickets' }, result.data.map((t) => h('li', null, ticketRow(t))))
    : h('div', { class: 'ticket-list' }, h('p', { class: 'empty' }, emptyText(ctx, q, status)));

  const first = result.total === 0 ? 0 : (page - 1) * PER_PAGE + 1;
  const last = Math.min(page * PER_PAGE, result.total);
  const pageLink = (target, label) =>
    target >= 1 && (target - 1) * PER_PAGE < result.total
      ? h('a', { class: 'button secondary small', href: `#/tickets${query({ status, q, page: target })}` }, label)
      : h('span', { class: 'button secondary small', 'aria-disabled': 'true', disabled: true }, label);
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    h('span', { class: 'muted small' }, result.total ? `${first}–${last} of ${result.total} tickets` : ''),
    h('div', { class: 'button-row' }, pageLink(page - 1, '← Newer'), pageLink(page + 1, 'Older →')),
  );

  const unread = result.data.filter((t) => t.has_unread).length;
  const node = h(
    'section',
    null,
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, 'Tickets'),
      h('span', { class: 'muted small' }, unread ? `${unread} with new messages on this page` : 'Newest activity first'),
    ),
    filters,
    list,
    pager,
  );
  return { node, title: 'Tickets' };
}

function emptyText(ctx, q, status) {
  if (q || status) return 'No tickets match these filters.';
  const address = ctx.me.tenant?.inbound_email_address;
  return address ? `No tickets yet. Mail sent to ${address} becomes a ticket here.` : 'No tickets yet.';
}

function ticketRow(t) {
  const requester = t.requester_name ? `${t.requester_name} <${t.requester_email}>` : (t.requester_email ?? 'unknown sender');
  return h(
    'a',
    { class: `ticket-row${t.has_unread ? ' unread' : ''}`, href: `#/tickets/${t.id}`, dataset: { ticketId: String(t.id) } },
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
    h(
      'span',
      { class: 'main-cell' },
      t.has_unread ? h('span', { class: 'visually-hidden' }, 'New messages: ') : null,
      h('span', { class: 'subject' }, t.subject || '(no subject)'),
      h('span', { class: 'requester' }, `#${t.number} · ${requester} · ${t.message_count} message${t.message_count === 1 ? '' : 's'}`),
    ),
    h('span', { class: 'status-cell' }, badge(t.status)),
    h('span', { class: 'when', title: formatDate(t.last_activity_at) }, formatAge(t.last_activity_at)),
  );
}
