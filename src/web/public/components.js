// Small shared pieces. Every value is passed to htm as a child or attribute, which preact sets as
// text or as a DOM property: nothing the API returns is ever parsed as markup.
import { html, useState } from './vendor/htm-preact.js';
import { formatDate } from './format.js';

export function Alert({ kind, title, children }) {
  return html`<div class="alert alert-${kind}" role=${kind === 'error' ? 'alert' : 'status'}>
    ${title ? html`<strong>${title}</strong>` : null}${children}
  </div>`;
}

/** Where a form's outcome appears: { kind, title, text } from useAction, read out when it changes. */
export function Notice({ notice, class: className }) {
  return html`<div class=${className} aria-live="polite">
    ${notice ? html`<${Alert} kind=${notice.kind} title=${notice.title}>${notice.text}<//>` : null}
  </div>`;
}

export function Badge({ text, kind }) {
  return html`<span class="badge ${kind ?? String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-')}">${text}</span>`;
}

/** A labelled control: the label's `for` and the hint's id point at the control's `id`. */
export function Field({ id, label, hint, class: className, children }) {
  return html`<div class=${className ? `field ${className}` : 'field'}>
    <label for=${id}>${label}</label>
    ${children}
    ${hint ? html`<div class="hint" id=${`${id}-hint`}>${hint}</div>` : null}
  </div>`;
}

export function Select({ options, ...props }) {
  return html`<select ...${props}>
    ${options.map(([value, label]) => html`<option value=${value}>${label}</option>`)}
  </select>`;
}

/** A button that shows it is working and cannot be pressed twice meanwhile. */
export function BusyButton({ busy, label, busyLabel, class: className = 'button', type = 'button', ...props }) {
  return html`<button type=${type} class=${className} disabled=${busy} ...${props}>${busy && busyLabel ? busyLabel : label}</button>`;
}

export function Time({ value }) {
  return html`<time datetime=${value ? new Date(value).toISOString() : null}>${formatDate(value)}</time>`;
}

export function Loading() {
  return html`<p class="loading" role="status">Loading…</p>`;
}

export function TableHead({ columns }) {
  return html`<thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>`;
}

/** "← Newer" and "Older →" links; a page outside the list is shown disabled. */
export function Pager({ page, perPage, total, href, summary, labels = ['← Newer', 'Older →'] }) {
  const link = (target, label) =>
    target >= 1 && (target - 1) * perPage < total
      ? html`<a class="button secondary small" href=${href(target)}>${label}</a>`
      : html`<span class="button secondary small" aria-disabled="true" disabled>${label}</span>`;
  return html`<nav class="pager" aria-label="Pages">
    <span class="muted small">${summary ?? ''}</span>
    <div class="button-row">${link(page - 1, labels[0])}${link(page + 1, labels[1])}</div>
  </nav>`;
}

/** "1–25 of 27 tickets" */
export function rangeText(page, perPage, total, noun) {
  if (!total) return '';
  return `${(page - 1) * perPage + 1}–${Math.min(page * perPage, total)} of ${total} ${noun}`;
}

/**
 * Copies `text`; where the clipboard is refused (no secure context or permission) it selects the
 * element `target()` so that the user can copy by hand.
 */
export function CopyButton({ text, target, label, class: className = 'button secondary small', copiedText = 'Copied to the clipboard.' }) {
  const [state, setState] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState(copiedText);
    } catch {
      const range = document.createRange();
      range.selectNodeContents(target());
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      setState('Selected: press Ctrl+C (⌘C) to copy.');
    }
  };
  return html`<button type="button" class=${className} onClick=${copy}>${label}</button>
    <span class="small muted" aria-live="polite">${state}</span>`;
}
