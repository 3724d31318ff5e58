// One message of a ticket's thread. Mail text is rendered as text (its addresses as links); the
// sender's HTML only inside the sandboxed frame of mail-frame.js.
import { html } from './vendor/htm-preact.js';
import { Attachments } from './attachment-preview.js';
import { Badge } from './components.js';
import { formatDate } from './format.js';
import { LinkedText, trimLinkedText } from './linked-text.js';
import { FormattedMail } from './mail-frame.js';
import { MessageHeader } from './message-header.js';
import { SenderAuthBadge } from './sender-auth-badge.js';

export function Message({ message: m }) {
  const outbound = m.direction === 'outbound';
  const classes = ['message', outbound ? 'outbound' : 'inbound'];
  if (m.is_auto_reply) classes.push('auto-reply');
  if (m.is_bounce) classes.push('bounce');
  const full = trimLinkedText(m.text, m.text_links);
  const fresh = m.new_text === null || m.new_text === undefined ? full : trimLinkedText(m.new_text, m.new_text_links);
  const to = (m.to ?? []).map(formatAddress).filter(Boolean);
  const cc = (m.cc ?? []).map(formatAddress).filter(Boolean);

  return html`<article class=${classes.join(' ')} data-message-id=${m.id} data-direction=${m.direction}>
    <${MessageHeader} message=${m}><${SenderAuthBadge} message=${m} /></${MessageHeader}>
    ${to.length || cc.length
      ? html`<div class="muted small recipients">${to.length ? `To ${to.join(', ')}` : ''}${cc.length ? `${to.length ? ' · ' : ''}Cc ${cc.join(', ')}` : ''}</div>`
      : null}
    ${fresh.text
      ? html`<${LinkedText} text=${fresh.text} links=${fresh.links} />`
      : html`<p class="muted small">${m.html ? 'No plain text in this message; show the formatted version below.' : '(empty message)'}</p>`}
    ${full.text && full.text !== fresh.text
      ? html`<details><summary>Show the whole message with quoted history</summary><${LinkedText} text=${full.text} links=${full.links} /></details>`
      : null}
    ${m.html_frame_url ? html`<${FormattedMail} message=${m} />` : null}
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
