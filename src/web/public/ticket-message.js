// One message of a ticket's thread. Mail text is rendered as text; the sender's HTML only inside
// the sandboxed frame below.
import { html, useState } from './vendor/htm-preact.js';
import { download } from './api.js';
import { Badge, Notice, Time } from './components.js';
import { formatBytes, formatDate } from './format.js';
import { useAction } from './hooks.js';
import { SenderAuthBadge } from './sender-auth-badge.js';

export function Message({ message: m }) {
  const outbound = m.direction === 'outbound';
  const classes = ['message', outbound ? 'outbound' : 'inbound'];
  if (m.is_auto_reply) classes.push('auto-reply');
  if (m.is_bounce) classes.push('bounce');
  const fullText = (m.text ?? '').trim();
  const newText = (m.new_text ?? m.text ?? '').trim();
  const to = (m.to ?? []).map(formatAddress).filter(Boolean);
  const cc = (m.cc ?? []).map(formatAddress).filter(Boolean);

  return html`<article class=${classes.join(' ')} data-message-id=${m.id} data-direction=${m.direction}>
    <header class="message-head">
      <span class="sender">${m.from_name || m.from || 'unknown sender'}</span>
      ${m.from_name && m.from ? html`<span class="address-line">${`<${m.from}>`}</span>` : null}
      ${outbound ? html`<${Badge} text="Our reply" kind="outbound" />` : html`<${Badge} text="Customer" kind="inbound" />`}
      ${m.is_auto_reply ? html`<${Badge} text="Auto-reply" kind="auto-reply" />` : null}
      ${m.is_bounce ? html`<${Badge} text="Bounce" kind="bounce" />` : null}
      <${SenderAuthBadge} message=${m} />
      <${Time} value=${m.created_at} />
    </header>
    ${to.length || cc.length
      ? html`<div class="muted small recipients">${to.length ? `To ${to.join(', ')}` : ''}${cc.length ? `${to.length ? ' · ' : ''}Cc ${cc.join(', ')}` : ''}</div>`
      : null}
    ${newText
      ? html`<div class="message-body">${newText}</div>`
      : html`<p class="muted small">${m.html ? 'No plain text in this message; show the formatted version below.' : '(empty message)'}</p>`}
    ${fullText && fullText !== newText
      ? html`<details><summary>Show the whole message with quoted history</summary><div class="message-body">${fullText}</div></details>`
      : null}
    ${m.html ? html`<${HtmlToggle} html=${m.html} />` : null}
    ${outbound ? html`<${Delivery} message=${m} />` : null}
    ${m.attachments?.length ? html`<${Attachments} attachments=${m.attachments} />` : null}
  </article>`;
}

/** Addresses come as {address, name}; older rows may hold plain strings. */
function formatAddress(entry) {
  if (!entry) return '';
  if (typeof entry === 'string') return entry;
  return entry.name ? `${entry.name} <${entry.address}>` : (entry.address ?? '');
}

function Delivery({ message: m }) {
  switch (m.delivery_status) {
    case 'queued':
      return html`<div class="delivery"><${Badge} text="Queued" kind="queued" />${' waiting to be sent…'}</div>`;
    case 'sent':
      return html`<div class="delivery">
        <${Badge} text="Sent" kind="sent" />${m.sent_at ? ` ${formatDate(m.sent_at)}` : ''}${m.delivery_detail ? html`<span class="muted">${` · ${m.delivery_detail}`}</span>` : null}
      </div>`;
    case 'failed':
      return html`<div class="delivery failed"><${Badge} text="Delivery failed" kind="failed" />${` ${m.delivery_detail ?? 'no detail given'}`}</div>`;
    default:
      return m.delivery_status ? html`<div class="delivery"><${Badge} text=${m.delivery_status} /></div>` : null;
  }
}

/** Attachments are fetched with the bearer header and saved from a blob: no token in a link. */
function Attachments({ attachments }) {
  const action = useAction();
  const save = (a) => action.run(() => download(a.url, a.filename), `Could not download ${a.filename}`);
  return html`<div>
    <ul class="attachments" aria-label="Attachments">
      ${attachments.map((a) => html`<li key=${a.url}>
        <button type="button" class="button secondary small" disabled=${action.busy} onClick=${() => save(a)}>${`Download ${a.filename} (${formatBytes(a.size)})`}</button>
      </li>`)}
    </ul>
    <${Notice} notice=${action.notice} />
  </div>`;
}

function HtmlToggle({ html: mailHtml }) {
  const [open, setOpen] = useState(false);
  return html`<div class="html-toggle">
    <button type="button" class="button secondary small" aria-expanded=${String(open)} onClick=${() => setOpen(!open)}>
      ${open ? 'Hide formatted e-mail' : 'Show formatted e-mail'}
    </button>
    <div>${open ? html`<${MailFrame} html=${mailHtml} />` : null}</div>
  </div>`;
}

/**
 * The sender's HTML (already sanitised by the service) goes only into a frame with an empty
 * sandbox: no script, no forms, no popups, no plugins, and an opaque origin that cannot reach
 * this page or its token. Its own policy forbids every load except data: images and our
 * stylesheet; the page's policy applies on top. `sandbox` is set before the frame is connected,
 * so the document never loads without it.
 */
function MailFrame({ html: mailHtml }) {
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
    `</head><body>${mailHtml}</body></html>`;
  return html`<div class="html-frame-wrap">
    <iframe class="html-frame" sandbox="" referrerpolicy="no-referrer" title="Formatted e-mail (scripts are disabled)" loading="lazy" srcdoc=${srcdoc}></iframe>
  </div>`;
}
