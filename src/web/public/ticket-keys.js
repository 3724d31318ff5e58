// Keyboard triage: j/k move through the list, Enter opens, r replies, / searches.
import { html, useEffect, useRef } from './vendor/htm-preact.js';

/** Typing in a field is typing, not a shortcut. */
function typingIn(target) {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

/** Calls `keys[key](event)` for plain key presses outside form fields while the component is shown. */
export function useKeys(keys) {
  const latest = useRef(keys);
  latest.current = keys;
  useEffect(() => {
    const onKey = (event) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return;
      const action = latest.current[event.key];
      if (!action) return;
      event.preventDefault();
      action(event);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

/** The list's keys; `select(index)` moves the selection, `open(index, reply)` opens a ticket. */
export function useListKeys({ count, selected, select, open, search }) {
  const move = (step) => {
    if (count === 0) return;
    select(selected < 0 ? 0 : Math.min(count - 1, Math.max(0, selected + step)));
  };
  useKeys({
    j: () => move(1),
    k: () => move(-1),
    r: () => open(selected < 0 ? 0 : selected, true),
    '/': search,
  });
}

export function KeyHint({ keys = [['j', 'k', 'move'], ['Enter', 'open'], ['r', 'reply'], ['/', 'search']] }) {
  return html`<p class="key-hint small muted" aria-label="Keyboard shortcuts">
    ${keys.map((entry, i) => {
      const label = entry[entry.length - 1];
      const kbds = entry.slice(0, -1).map((k, j) => html`${j ? ' / ' : ''}<kbd>${k}</kbd>`);
      return html`${i ? ' · ' : ''}<span>${kbds} ${label}</span>`;
    })}
  </p>`;
}
