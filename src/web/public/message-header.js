// The head of one message: who sent it, what kind it is, and when. Badges are a list, so a new
// kind of marker is one more entry in messageBadges.
import { html } from './vendor/htm-preact.js';
import { Badge } from './components.js';
import { formatDate } from './format.js';

export function messageBadges(m) {
  const badges = [m.direction === 'outbound' ? { text: 'Our reply', kind: 'outbound' } : { text: 'Customer', kind: 'inbound' }];
  if (m.is_auto_reply) badges.push({ text: 'Auto-reply', kind: 'auto-reply' });
  if (m.is_bounce) badges.push({ text: 'Bounce', kind: 'bounce' });
  return badges;
}

/** `children` go after the badges, for markers that need more than a badge. */
export function MessageHeader({ message: m, badges = messageBadges(m), children }) {
  return html`<header class="message-head">
    <span class="sender">${m.from_name || m.from || 'unknown sender'}</span>
    ${m.from_name && m.from ? html`<span class="address-line">${`<${m.from}>`}</span>` : null}
    ${badges.map((b) => html`<${Badge} key=${b.text} text=${b.text} kind=${b.kind} />`)}
    ${children}
    <${MessageDate} message=${m} />
  </header>`;
}

/** The mail's own Date header; when it arrived (or was queued) on hover, and when there is no Date. */
function MessageDate({ message: m }) {
  const arrived = `${m.direction === 'outbound' ? 'Written' : 'Arrived'} ${formatDate(m.created_at)}`;
  const shown = m.date ?? m.created_at;
  return html`<time class="message-date" datetime=${shown ? new Date(shown).toISOString() : null} title=${m.date || m.direction === 'outbound' ? arrived : `${arrived} (the mail has no Date)`}>${formatDate(shown)}</time>`;
}
