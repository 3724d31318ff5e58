// Every element is built with createElement and textContent: no HTML string from the API ever
// reaches innerHTML, so nothing a sender writes can become markup in our page.

/**
 * h('button', { class: 'button', onclick: fn }, 'Save')
 * Props: `class`, `dataset`, `on<event>` handlers, DOM properties given as non-strings
 * (checked: true, disabled: false), everything else as attributes. null/undefined/false skip.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'style') throw new Error('Inline styles are refused by the Content-Security-Policy; use a class');
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (typeof value !== 'string' && key in el) el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

let idCounter = 0;
export function uid(prefix = 'f') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A labelled form control: field('Host', input) links the label to the control. */
export function field(labelText, control, hint, className) {
  if (!control.id) control.id = uid('field');
  const hintEl = hint ? h('div', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: className ? `field ${className}` : 'field' }, h('label', { for: control.id }, labelText), control, hintEl);
}

export function select(name, options, current) {
  return h(
    'select',
    { name },
    options.map(([value, label]) => h('option', { value, selected: value === (current ?? '') }, label)),
  );
}

export function alertBox(kind, title, detail) {
  return h('div', { class: `alert alert-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, title ? h('strong', null, title) : null, detail ?? null);
}

export function badge(text, kind) {
  return h('span', { class: `badge ${kind ?? String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-')}` }, text);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(value) {
  if (!value) return '–';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : dateTime.format(date);
}

export function timeEl(value) {
  return h('time', { datetime: value ? new Date(value).toISOString() : null }, formatDate(value));
}

/** "3 min ago" for recent times, the date otherwise. */
export function formatAge(value) {
  const date = new Date(value);
  const seconds = (Date.now() - date.getTime()) / 1000;
  if (Number.isNaN(seconds)) return '–';
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return formatDate(value);
}

export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return '–';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** Disables a button while `work` runs, so that a double click does not send twice. */
export async function busy(button, work, busyLabel) {
  const label = button.textContent;
  button.disabled = true;
  if (busyLabel) button.textContent = busyLabel;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}
