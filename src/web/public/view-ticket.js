import { html, useEffect, useState } from './vendor/htm-preact.js';
import { errorText, get, patch } from './api.js';
import { BusyButton, Notice } from './components.js';
import { formatDate, formatPerson } from './format.js';
import { failure, ok, useAction, useLoad, useTitle } from './hooks.js';
import { Message } from './ticket-message.js';
import { useLiveEvents } from './live.js';
import { KeyHint, useKeys } from './ticket-keys.js';
import { Assignment } from './ticket-assignment.js';
import { NotesPanel } from './ticket-notes.js';
import { ReplyComposer } from './reply-composer.js';
import { PresenceNotice } from './ticket-presence.js';

const STATUSES = [
  ['open', 'Open'],
  ['pending', 'Pending'],
  ['closed', 'Closed'],
];
const DELIVERY_POLL_MS = 2000;
const DELIVERY_POLL_LIMIT = 30;

const focusReply = () => document.getElementById('reply-body')?.focus();

export function TicketPage({ me, params, query }) {
  const ticketId = Number(params[0]);
  const { data: ticket, fallback, reload, setData } = useLoad(() => get(`/api/tickets/${ticketId}`));
  // New messages and delivery changes of this ticket, from any instance, show without a refresh.
  useLiveEvents((events) => {
    if (events.some((e) => e.ticket_id === ticketId)) reload({ quiet: true }).catch(() => undefined);
  });
  useKeys({ r: focusReply });
  const loaded = Boolean(ticket);
  useEffect(() => {
    if (loaded && query?.get('reply')) focusReply();
  }, [loaded]);
  const action = useAction();
  const [polls, setPolls] = useState(0);
  useTitle(ticket ? `#${ticket.number} ${ticket.subject}` : null);

  // Opening a ticket reads it; a failure here must not hide the thread.
  const unread = ticket?.has_unread;
  useEffect(() => {
    if (!unread) return;
    patch(`/api/tickets/${ticketId}`, { has_unread: false }).catch((error) =>
      action.setNotice(failure(errorText(error), 'Could not mark the ticket as read')),
    );
  }, [unread]);

  // Replies leave through the outbox; watch them until each is sent or failed.
  const waiting = ticket?.messages.some((m) => m.direction === 'outbound' && m.delivery_status === 'queued');
  useEffect(() => {
    if (!waiting || polls >= DELIVERY_POLL_LIMIT) return undefined;
    const timer = setTimeout(() => {
      setPolls((n) => n + 1);
      // The next manual refresh shows an error; polling is a convenience.
      reload({ quiet: true }).catch(() => undefined);
    }, DELIVERY_POLL_MS);
    return () => clearTimeout(timer);
  }, [ticket, polls]);

  if (fallback) return fallback;

  const setStatus = (value, label) =>
    action.run(async () => {
      if (ticket.status === value) return undefined;
      const updated = await patch(`/api/tickets/${ticketId}`, { status: value });
      setData({ ...ticket, status: updated.status });
      return ok(`Status changed to ${label.toLowerCase()}.`);
    }, 'The status was not changed');
  const refresh = () => action.run(() => reload({ quiet: true }), 'Could not refresh');
  const replied = () =>
    action.run(async () => {
      setPolls(0);
      await reload({ quiet: true });
      return ok('Reply queued. Its delivery state is shown under it.');
    }, 'Could not refresh');

  const requester = formatPerson(ticket.requester_name, ticket.requester_email);
  return html`<section class="ticket">
    <div class="ticket-nav small"><a href="#/tickets">← All tickets</a><${KeyHint} keys=${[['r', 'reply']]} /></div>
    <div class="ticket-head">
      <div>
        <h1>${ticket.subject || '(no subject)'}</h1>
        <div class="muted small">${`#${ticket.number} · from ${requester} · opened ${formatDate(ticket.created_at)}`}</div>
        <${Assignment} ticket=${ticket} me=${me} onChanged=${(assignee) => setData({ ...ticket, assignee_user_id: assignee })} />
      </div>
      <div class="button-row">
        <span class="small muted" id="status-label">Status</span>
        <div class="segmented" role="group" aria-labelledby="status-label">
          ${STATUSES.map(([value, label]) => html`<button type="button" aria-pressed=${String(ticket.status === value)} disabled=${action.busy}
            onClick=${() => setStatus(value, label)}>${label}</button>`)}
        </div>
        <${BusyButton} class="button secondary small" busy=${action.busy} label="Refresh" onClick=${refresh} />
      </div>
    </div>
    <${Notice} notice=${action.notice} />
    <${PresenceNotice} ticketId=${ticketId} me=${me} />
    <h2 class="visually-hidden">Messages</h2>
    <div class="thread">${ticket.messages.map((m) => html`<${Message} key=${m.id} message=${m} />`)}</div>
    <${NotesPanel} ticketId=${ticketId} />
    <${ReplyComposer} ticketId=${ticketId} me=${me} onSent=${replied} />
  </section>`;
}
