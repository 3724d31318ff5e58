import { ApiError, get, post, query } from './api.js';
import { alertBox, badge, busy, field, formatBytes, formatDate, h, select, timeEl } from './dom.js';

const PER_PAGE = 50;
const OUTCOMES = [
  ['', 'All outcomes'],
  ['created', 'Created a ticket'],
  ['appended', 'Added to a ticket'],
  ['duplicate', 'Duplicate'],
  ['ignored', 'Ignored'],
  ['quarantined', 'Quarantined (spam)'],
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

export async function logView(ctx) {
  const status = ctx.query.get('status') ?? '';
  const source = ctx.query.get('source') ?? '';
  const from = ctx.query.get('from') ?? '';
  const to = ctx.query.get('to') ?? '';
  const page = Math.max(1, Number.parseInt(ctx.query.get('page') ?? '1', 10) || 1);
  const [log, failed] = await Promise.all([
    get(`/api/email-processing-logs${query({ status, source, from: dayStart(from), to: dayEnd(to), page, per_page: PER_PAGE })}`),
    get('/api/inbound/failed'),
  ]);

  const statusSelect = select('status', OUTCOMES, status);
  const sourceSelect = select('source', SOURCES, source);
  const fromInput = h('input', { type: 'date', name: 'from', value: from });
  const toInput = h('input', { type: 'date', name: 'to', value: to });
  const filters = h(
    'form',
    {
      class: 'inline-form filters',
      onsubmit: (event) => {
        event.preventDefault();
        ctx.go(`#/log${query({ status: statusSelect.value, source: sourceSelect.value, from: fromInput.value, to: toInput.value })}`);
      },
    },
    field('Outcome', statusSelect),
    field('Source', sourceSelect),
    field('From day', fromInput),
    field('To day', toInput),
    h('button', { type: 'submit', class: 'button' }, 'Filter'),
    status || source || from || to ? h('a', { class: 'button secondary', href: '#/log' }, 'Clear') : null,
  );

  const pageLink = (target, label) =>
    target >= 1 && (target - 1) * PER_PAGE < log.total
      ? h('a', { class: 'button secondary small', href: `#/log${query({ status, source, from, to, page: target })}` }, label)
      : h('span', { class: 'button secondary small', 'aria-disabled': 'true', disabled: true }, label);
  const first = log.total === 0 ? 0 : (page - 1) * PER_PAGE + 1;

  const node = h(
    'section',
    null,
    h('div', { class: 'page-head' }, h('h1', null, 'Processing log'), h('span', { class: 'muted small' }, 'Every message that came in, what was done with it, and why.')),
    failedPanel(failed, ctx),
    h('h2', null, 'All messages'),
    filters,
    log.data.length
      ? h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { id: 'log-table' },
            h('caption', { class: 'visually-hidden' }, 'Processing log, newest first'),
            h('thead', null, h('tr', null, ['Time', 'Outcome', 'Source', 'From', 'Subject', 'Reason', 'Ticket'].map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', null, log.data.map((entry) => logRow(entry, ctx))),
          ),
        )
      : h('div', { class: 'panel empty' }, status || source || from || to ? 'No log entries match these filters.' : 'Nothing has come in yet.'),
    h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages' },
      h('span', { class: 'muted small' }, log.total ? `${first}–${Math.min(page * PER_PAGE, log.total)} of ${log.total} entries` : ''),
      h('div', { class: 'button-row' }, pageLink(page - 1, '← Newer'), pageLink(page + 1, 'Older →')),
    ),
  );
  return { node, title: 'Processing log' };
}

/** <input type=date> gives a day; the API takes instants. */
function dayStart(day) {
  return day ? new Date(`${day}T00:00:00`).toISOString() : '';
}
function dayEnd(day) {
  return day ? new Date(`${day}T23:59:59.999`).toISOString() : '';
}

function logRow(entry, ctx) {
  return h(
    'tr',
    { dataset: { logId: String(entry.id), outcome: entry.outcome } },
    h('td', { class: 'nowrap' }, timeEl(entry.created_at)),
    h('td', null, badge(entry.outcome)),
    h('td', { class: 'nowrap' }, sourceLabel(entry.source), entry.size_bytes ? h('div', { class: 'muted small' }, formatBytes(entry.size_bytes)) : null),
    h('td', null, entry.from ?? h('span', { class: 'muted' }, '–')),
    h('td', null, entry.subject ?? h('span', { class: 'muted' }, '–')),
    h('td', { class: 'reason' }, entry.reason ?? '', entry.error && entry.error !== entry.reason ? h('div', { class: 'muted small' }, entry.error) : null, entry.resolved_at ? h('div', { class: 'small' }, `Reprocessed ${formatDate(entry.resolved_at)}`) : null),
    h(
      'td',
      { class: 'nowrap' },
      entry.ticket_id ? h('a', { href: `#/tickets/${entry.ticket_id}` }, 'Open ticket') : null,
      entry.outcome === 'quarantined' && !entry.resolved_at ? releaseButton(entry, ctx) : null,
      !entry.ticket_id && !(entry.outcome === 'quarantined' && !entry.resolved_at) ? h('span', { class: 'muted' }, '–') : null,
    ),
  );
}

/** A quarantined message (Mailu said spam) goes through the pipeline again without the spam check. */
function releaseButton(entry, ctx) {
  const status = h('div', { class: 'small', 'aria-live': 'polite' });
  return h(
    'div',
    null,
    h(
      'button',
      {
        type: 'button',
        class: 'button small secondary',
        'aria-label': `Release the quarantined message from ${entry.from ?? 'unknown sender'}`,
        onclick: (event) =>
          busy(event.currentTarget, async () => {
            try {
              const result = await post(`/api/inbound/failed/${entry.id}/reprocess`);
              status.replaceChildren(`Released: ${result.outcome}`);
              ctx.refresh();
            } catch (error) {
              status.replaceChildren(alertBox('error', 'Could not release', error instanceof ApiError ? error.readable : String(error)));
            }
          }, 'Releasing…'),
      },
      'Release',
    ),
    status,
  );
}

function sourceLabel(source) {
  return SOURCES.find(([value]) => value === source)?.[1] ?? source;
}

function failedPanel(failed, ctx) {
  const status = h('div', { 'aria-live': 'polite' });
  if (failed.data.length === 0) {
    return h('section', { class: 'panel', 'aria-labelledby': 'failed-heading' }, h('h2', { id: 'failed-heading' }, 'Failed messages'), h('p', { class: 'muted' }, 'None: every message that came in was handled.'));
  }
  const rows = failed.data.map((entry) =>
    h(
      'tr',
      { dataset: { logId: String(entry.id) } },
      h('td', { class: 'nowrap' }, timeEl(entry.created_at)),
      h('td', null, entry.from ?? '–', h('div', { class: 'muted small' }, entry.subject ?? '')),
      h('td', { class: 'reason' }, entry.reason ?? '', entry.error && entry.error !== entry.reason ? h('div', { class: 'muted small' }, entry.error) : null),
      h(
        'td',
        null,
        h(
          'button',
          {
            type: 'button',
            class: 'button small',
            'aria-label': `Reprocess the message from ${entry.from ?? 'unknown sender'}`,
            onclick: (event) =>
              busy(event.currentTarget, async () => {
                try {
                  const result = await post(`/api/inbound/failed/${entry.id}/reprocess`);
                  if (result.outcome === 'failed') {
                    status.replaceChildren(alertBox('error', 'Reprocessing failed again', result.reason ?? ''));
                    return;
                  }
                  const ticket = result.ticket_id ? h('a', { href: `#/tickets/${result.ticket_id}` }, `Open ticket${result.ticket_number ? ` #${result.ticket_number}` : ''}`) : null;
                  status.replaceChildren(alertBox('ok', `Reprocessed: ${result.outcome}`, h('span', null, result.reason ? `${result.reason}. ` : '', ticket)));
                  event.target.closest('tr')?.remove();
                } catch (error) {
                  status.replaceChildren(alertBox('error', 'Could not reprocess', error instanceof ApiError ? error.readable : String(error)));
                }
              }, 'Reprocessing…'),
          },
          'Reprocess',
        ),
      ),
    ),
  );
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'failed-heading' },
    h('h2', { id: 'failed-heading' }, `Failed messages (${failed.total})`),
    h('p', { class: 'small muted' }, 'These could not be stored. The raw message is kept; reprocess it once the cause is fixed.'),
    status,
    h(
      'div',
      { class: 'table-wrap' },
      h('table', { id: 'failed-table' }, h('thead', null, h('tr', null, ['Time', 'Message', 'Reason', 'Action'].map((c) => h('th', { scope: 'col' }, c)))), h('tbody', null, rows)),
    ),
    h('p', { class: 'small spaced' }, h('button', { type: 'button', class: 'button secondary small', onclick: () => ctx.refresh() }, 'Refresh the log')),
  );
}
