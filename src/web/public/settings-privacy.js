// Privacy: how long the tenant keeps raw mail, log rows and closed tickets, and one customer's
// data exported (a zip) or erased on request. Erasing asks for a tick first: it cannot be undone.
import { html, useState } from './vendor/htm-preact.js';
import { download, get, post, put } from './api.js';
import { BusyButton, Field, Notice } from './components.js';
import { InputProblem, ok, useAction, useLoad } from './hooks.js';

const PERIODS = [
  ['raw_message_days', 'Raw messages (.eml)', 'Their tickets and log rows stay.'],
  ['processing_log_days', 'Processing-log rows', ''],
  ['closed_ticket_days', 'Closed tickets without activity', 'Deleted with their messages and attachments.'],
];

export function PrivacyPanel() {
  const { data, fallback } = useLoad(() => get('/api/retention-policy'));
  return html`<section class="panel" aria-labelledby="privacy-heading">
    <h2 id="privacy-heading">Privacy</h2>
    ${fallback ?? html`<${RetentionForm} policy=${data} />`}
    <${ErasureForm} />
  </section>`;
}

function RetentionForm({ policy }) {
  const [days, setDays] = useState(Object.fromEntries(PERIODS.map(([name]) => [name, policy[name] === null ? '' : String(policy[name])])));
  const action = useAction('The retention periods were not saved');
  const save = action.submit(async () => {
    const body = {};
    for (const [name, label] of PERIODS) {
      const text = days[name].trim();
      const value = Number(text);
      if (text && (!Number.isInteger(value) || value < 1 || value > 36500)) throw new InputProblem(`${label}: a whole number of days from 1 to 36500, or empty to keep them for ever.`, `retention-${name}`);
      body[name] = text ? value : null;
    }
    await put('/api/retention-policy', body);
    return ok('Saved: the hourly retention run applies them.');
  });
  return html`<form novalidate onSubmit=${save}>
    <h3>How long mail is kept</h3>
    <p class="muted small">In days; empty keeps it for ever.</p>
    <${Notice} notice=${action.notice} />
    <div class="grid-2">
      ${PERIODS.map(([name, label, hint]) => html`<${Field} key=${name} id=${`retention-${name}`} label=${label} hint=${hint || undefined}>
        <input id=${`retention-${name}`} type="number" min="1" max="36500" inputmode="numeric" placeholder="for ever" aria-describedby=${hint ? `retention-${name}-hint` : undefined}
          value=${days[name]} onInput=${(e) => setDays({ ...days, [name]: e.currentTarget.value })} />
      <//>`)}
    </div>
    <div class="button-row"><${BusyButton} type="submit" busy=${action.busy} label="Save retention" busyLabel="Saving…" /></div>
  </form>`;
}

function ErasureForm() {
  const [email, setEmail] = useState('');
  const [sure, setSure] = useState(false);
  const action = useAction('Nothing was erased');
  const address = () => {
    const value = email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+$/.test(value)) throw new InputProblem('Enter the customer’s e-mail address.', 'erasure-email');
    return value;
  };
  const exportData = () => action.run(async () => {
    const value = address();
    await download('/api/erasure-requests/export', `export-${value}.zip`, { email: value });
    return ok(`Everything of ${value} was downloaded as a zip.`);
  }, 'Nothing was exported');
  const erase = () => action.run(async () => {
    const value = address();
    if (!sure) throw new InputProblem('Tick the box first: erasing cannot be undone.', 'erasure-sure');
    const done = await post('/api/erasure-requests', { email: value });
    setSure(false);
    return ok(`Erased for ${done.email}: ${done.tickets} ticket(s), ${done.messages} message(s), ${done.attachments} attachment(s), ${done.processing_logs} log row(s).`);
  });
  return html`<div class="stack-sm">
    <h3>A customer’s data</h3>
    <p class="muted small">Everything this helpdesk holds of one address: download it, or erase it for good (a data subject’s request).</p>
    <${Field} id="erasure-email" label="Customer’s e-mail address">
      <input id="erasure-email" type="email" autocomplete="off" spellcheck="false" value=${email} onInput=${(e) => setEmail(e.currentTarget.value)} />
    <//>
    <div class="field checkbox">
      <input id="erasure-sure" type="checkbox" checked=${sure} onChange=${(e) => setSure(e.currentTarget.checked)} />
      <label for="erasure-sure">I have downloaded what I need: erase this address’s tickets, messages and attachments for good</label>
    </div>
    <div class="inline-form">
      <${BusyButton} class="button secondary" busy=${action.busy} label="Download their data" busyLabel="Preparing…" onClick=${exportData} />
      <${BusyButton} class="button danger" busy=${action.busy} label="Erase" busyLabel="Erasing…" onClick=${erase} />
    </div>
    <${Notice} notice=${action.notice} />
  </div>`;
}
