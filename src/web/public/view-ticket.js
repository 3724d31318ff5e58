import { ApiError, download, get, patch, post } from './api.js';
import { alertBox, badge, busy, field, formatBytes, formatDate, h, timeEl } from './dom.js';

const STATUSES = [
  ['open', 'Open'],
  ['pending', 'Pending'],
  ['closed', 'Closed'],
];
const DELIVERY_POLL_MS = 2000;
const DELIVERY_POLL_LIMIT = 30;

export async function ticketView(ctx) {
  const ticketId = Number(ctx.params[0]);
  let ticket = await get(`/api/tickets/${ticketId}`);
  const root = h('section', { class: 'ticket' });
  const notice = h('div', { 'aria-live': 'polite' });
  let polls = 0;

  if (ticket.has_unread) {
    // Opening a ticket reads it; a failure here must not hide the thread.
    patch(`/api/tickets/${ticketId}`, { has_unread: false }).catch((error) => showNotice('error', 'Could not mark the ticket as read', error));
  }

  function showNotice(kind, title, error) {
    notice.replaceChildren(alertBox(kind, title, error instanceof ApiError ? error.readable : error ? String(error.message ?? error) : null));
  }

  async function reload() {
    ticket = await get(`/api/tickets/${ticketId}`);
    draw();
  }

  /** Replies leave through the outbox; watch them until each is sent or failed. */
  function scheduleDeliveryPoll() {
    const waiting = ticket.messages.some((m) => m.direction === 'outbound' && m.delivery_status === 'queued');
    if (!waiting || polls >= DELIVERY_POLL_LIMIT) return;
    polls += 1;
    setTimeout(async () => {
      if (!ctx.isCurrent() || !root.isConnected) return;
      try {
        await reload();
      } catch {
        // The next manual refresh shows the error; polling is a convenience.
      }
    }, DELIVERY_POLL_MS);
  }

  const statusButtons = STATUSES.map(([value, label]) =>
    h(
      'button',
      {
        type: 'button',
        'aria-pressed': String(ticket.status === value),
        onclick: async (event) => {
          if (ticket.status === value) return;
          await busy(event.currentTarget, async () => {
            try {
              const updated = await patch(`/api/tickets/${ticketId}`, { status: value });
              ticket.status = updated.status;
              showNotice('ok', `Status changed to ${label.toLowerCase()}.`);
              drawStatus();
            } catch (error) {
              showNotice('error', 'The status was not changed', error);
            }
          });
        },
      },
      label,
    ),
  );

  function drawStatus() {
    for (const [index, [value]] of STATUSES.entries()) statusButtons[index].setAttribute('aria-pressed', String(ticket.status === value));
  }

  const thread = h('div', { class: 'thread' });
  const reply = replyForm(ticketId, {
    onSent: async () => {
      showNotice('ok', 'Reply queued. Its delivery state is shown under it.');
      polls = 0;
      await reload();
    },
    onError: (error) => showNotice('error', 'The reply was not sent', error),
  });

  function draw() {
    thread.replaceChildren(...ticket.messages.map(messageView));
    drawStatus();
    scheduleDeliveryPoll();
  }

  const requester = ticket.requester_name ? `${ticket.requester_name} <${ticket.requester_email}>` : ticket.requester_email;
  root.append(
    h('p', { class: 'small' }, h('a', { href: '#/tickets' }, '← All tickets')),
    h(
      'div',
      { class: 'ticket-head' },
      h(
        'div',
        null,
        h('h1', null, ticket.subject || '(no subject)'),
        h('div', { class: 'muted small' }, `#${ticket.number} · from ${requester ?? 'unknown sender'} · opened ${formatDate(ticket.created_at)}`),
      ),
      h(
        'div',
        { class: 'button-row' },
        h('span', { class: 'small muted', id: 'status-label' }, 'Status'),
        h('div', { class: 'segmented', role: 'group', 'aria-labelledby': 'status-label' }, statusButtons),
        h(
          'button',
          {
            type: 'button',
            class: 'button secondary small',
            onclick: (event) =>
              busy(event.currentTarget, () => reload().catch((error) => showNotice('error', 'Could not refresh', error))),
          },
          'Refresh',
        ),
      ),
    ),
    notice,
    h('h2', { class: 'visually-hidden' }, 'Messages'),
    thread,
    reply,
  );
  draw();
  return { node: root, title: `#${ticket.number} ${ticket.subject}` };
}

function messageView(m) {
  const outbound = m.direction === 'outbound';
  const classes = ['message', outbound ? 'outbound' : 'inbound'];
  if (m.is_auto_reply) classes.push('auto-reply');
  if (m.is_bounce) classes.push('bounce');
  const fullText = m.text ?? '';
  const newText = m.new_text ?? fullText;
  const to = (m.to ?? []).map(formatAddress).filter(Boolean);
  const cc = (m.cc ?? []).map(formatAddress).filter(Boolean);

  return h(
    'article',
    { class: classes.join(' '), dataset: { messageId: String(m.id), direction: m.direction } },
    h(
      'header',
      { class: 'message-head' },
      h('span', { class: 'sender' }, m.from_name || m.from || 'unknown sender'),
      m.from_name && m.from ? h('span', { class: 'address-line' }, `<${m.from}>`) : null,
      outbound ? badge('Our reply', 'outbound') : badge('Customer', 'inbound'),
      m.is_auto_reply ? badge('Auto-reply', 'auto-reply') : null,
      m.is_bounce ? badge('Bounce', 'bounce') : null,
      timeEl(m.created_at),
    ),
    to.length || cc.length
      ? h('div', { class: 'muted small recipients' }, to.length ? `To ${to.join(', ')}` : '', cc.length ? `${to.length ? ' · ' : ''}Cc ${cc.join(', ')}` : '')
      : null,
    newText.trim()
      ? h('div', { class: 'message-body' }, newText.trim())
      : h('p', { class: 'muted small' }, m.html ? 'No plain text in this message; show the formatted version below.' : '(empty message)'),
    fullText.trim() && fullText.trim() !== newText.trim()
      ? h('details', null, h('summary', null, 'Show the whole message with quoted history'), h('div', { class: 'message-body' }, fullText.trim()))
      : null,
    m.html ? htmlToggle(m.html) : null,
    outbound ? deliveryLine(m) : null,
    m.attachments?.length ? attachmentList(m.attachments) : null,
  );
}

/** Addresses come as {address, name}; older rows may hold plain strings. */
function formatAddress(entry) {
  if (!entry) return '';
  if (typeof entry === 'string') return entry;
  return entry.name ? `${entry.name} <${entry.address}>` : (entry.address ?? '');
}

function deliveryLine(m) {
  switch (m.delivery_status) {
    case 'queued':
      return h('div', { class: 'delivery' }, badge('Queued', 'queued'), ' waiting to be sent…');
    case 'sent':
      return h('div', { class: 'delivery' }, badge('Sent', 'sent'), m.sent_at ? ` ${formatDate(m.sent_at)}` : '', m.delivery_detail ? h('span', { class: 'muted' }, ` · ${m.delivery_detail}`) : null);
    case 'failed':
      return h('div', { class: 'delivery failed' }, badge('Delivery failed', 'failed'), ` ${m.delivery_detail ?? 'no detail given'}`);
    default:
      return m.delivery_status ? h('div', { class: 'delivery' }, badge(m.delivery_status)) : null;
  }
}

function attachmentList(attachments) {
  const status = h('div', { 'aria-live': 'polite' });
  return h(
    'div',
    null,
    h(
      'ul',
      { class: 'attachments', 'aria-label': 'Attachments' },
      attachments.map((a) =>
        h(
          'li',
          null,
          h(
            'button',
            {
              type: 'button',
              class: 'button secondary small',
              onclick: (event) =>
                busy(event.currentTarget, async () => {
                  try {
                    await download(a.url, a.filename);
                    status.replaceChildren();
                  } catch (error) {
                    status.replaceChildren(alertBox('error', `Could not download ${a.filename}`, error.readable ?? String(error)));
                  }
                }),
            },
            `Download ${a.filename} (${formatBytes(a.size)})`,
          ),
        ),
      ),
    ),
    status,
  );
}

function htmlToggle(html) {
  const wrap = h('div');
  const button = h(
    'button',
    {
      type: 'button',
      class: 'button secondary small',
      'aria-expanded': 'false',
      onclick: () => {
        const open = button.getAttribute('aria-expanded') === 'true';
        if (open) {
          wrap.replaceChildren();
          button.textContent = 'Show formatted e-mail';
        } else {
          wrap.replaceChildren(mailFrame(html));
          button.textContent = 'Hide formatted e-mail';
        }
        button.setAttribute('aria-expanded', String(!open));
      },
    },
    'Show formatted e-mail',
  );
  return h('div', { class: 'html-toggle' }, button, wrap);
}

/**
 * The sender's HTML (already sanitised by the service) goes only into a frame with an empty
 * sandbox: no script, no forms, no popups, no plugins, and an opaque origin that cannot reach
 * this page or its token. Its own policy forbids every load except data: images and our
 * stylesheet; the page's policy applies on top.
 */
export function mailFrame(html) {
  const csp = [
    "default-src 'none'",
    'img-src data:',
    `style-src ${location.origin}/ui/mail-frame.css`,
    "font-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  const srcdoc =
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    '<meta name="referrer" content="no-referrer">' +
    `<link rel="stylesheet" href="${location.origin}/ui/mail-frame.css">` +
    `</head><body>${html}</body></html>`;
  const frame = h('iframe', {
    class: 'html-frame',
    sandbox: '',
    referrerpolicy: 'no-referrer',
    title: 'Formatted e-mail (scripts are disabled)',
    loading: 'lazy',
  });
  frame.srcdoc = srcdoc;
  return h('div', { class: 'html-frame-wrap' }, frame);
}

function replyForm(ticketId, { onSent, onError }) {
  const body = h('textarea', { name: 'body_text', rows: '6', required: true, placeholder: 'Write your answer to the customer…' });
  const cc = h('input', { type: 'text', name: 'cc', placeholder: 'name@example.com, other@example.com', autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Send reply');
  const status = h('div', { 'aria-live': 'polite' });
  return h(
    'form',
    {
      class: 'reply-box',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        const text = body.value;
        if (!text.trim()) {
          status.replaceChildren(alertBox('error', null, 'Write a reply first.'));
          body.focus();
          return;
        }
        const ccList = cc.value.split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean);
        status.replaceChildren();
        await busy(submit, async () => {
          try {
            await post(`/api/tickets/${ticketId}/reply`, { body_text: text, ...(ccList.length ? { cc: ccList } : {}) });
            body.value = '';
            cc.value = '';
            await onSent();
          } catch (error) {
            onError(error);
            status.replaceChildren(alertBox('error', 'The reply was not sent', error instanceof ApiError ? error.readable : String(error)));
          }
        }, 'Sending…');
      },
    },
    h('h2', null, 'Reply'),
    field('Your answer', body, 'Sent from your tenant\'s SMTP server; the customer\'s answer comes back into this ticket.'),
    field('Cc (optional)', cc),
    h('div', { class: 'button-row' }, submit),
    status,
  );
}
