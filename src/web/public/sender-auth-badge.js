// The sender-authentication verdict of an inbound message (SPF, DKIM, DMARC), with the checks
// behind it on hover. Nothing for outbound messages or mail filed before the verdict existed.
import { html } from './vendor/htm-preact.js';

const LABELS = {
  pass: ['Sender verified', 'auth-pass'],
  fail: ['Sender not verified', 'auth-fail'],
  temperror: ['Sender check failed (DNS)', 'auth-unknown'],
  none: ['Sender unchecked', 'auth-unknown'],
};

export function SenderAuthBadge({ message: m }) {
  const label = m.direction === 'inbound' ? LABELS[m.sender_auth] : undefined;
  if (!label) return null;
  const [text, kind] = label;
  return html`<span class="badge ${kind}" data-sender-auth=${m.sender_auth} title=${m.sender_auth_details ?? ''}>${text}</span>`;
}
