// Plain text with its web and mail addresses as links. The service finds them (linkify-it) and
// keeps only http, https and mailto targets; the text itself stays text.
import { html } from './vendor/htm-preact.js';

/** The text without surrounding whitespace, its links' offsets moved with it. */
export function trimLinkedText(text, links) {
  const raw = text ?? '';
  const shift = raw.length - raw.trimStart().length;
  const trimmed = raw.trim();
  return { text: trimmed, links: (links ?? []).map((l) => ({ ...l, start: l.start - shift, end: l.end - shift })).filter((l) => l.start >= 0 && l.end <= trimmed.length) };
}

/** `links`: [{ start, end, url }] in order, offsets into `text` as the API gives them. */
export function LinkedText({ text, links, class: className = 'message-body' }) {
  const parts = [];
  let at = 0;
  for (const link of links ?? []) {
    if (link.start < at || link.end > text.length || !/^(https?:|mailto:)/i.test(link.url)) continue;
    parts.push(text.slice(at, link.start));
    parts.push(html`<a href=${link.url} target="_blank" rel="noopener noreferrer nofollow" title=${link.url}>${text.slice(link.start, link.end)}</a>`);
    at = link.end;
  }
  parts.push(text.slice(at));
  return html`<div class=${className}>${parts}</div>`;
}
