// The platform admin's overrides of one tenant's tier limits (PUT /api/tenants/:id with max_*).
import { html, useState } from './vendor/htm-preact.js';
import { put } from './api.js';
import { BusyButton, Field, Notice } from './components.js';
import { InputProblem, ok, useAction } from './hooks.js';

const LIMITS = [
  ['max_users', 'Users'],
  ['max_domains', 'Own domains'],
  ['max_storage_mb', 'Storage (MB)'],
  ['max_messages_per_day', 'Messages per day'],
];

export function LimitsForm({ tenant, onSaved }) {
  const [form, setForm] = useState(Object.fromEntries(LIMITS.map(([name]) => [name, tenant.overrides?.[name] ?? ''])));
  const action = useAction('The limits were not changed');
  const save = action.submit(async () => {
    const body = {};
    for (const [name, label] of LIMITS) {
      const text = String(form[name]).trim();
      if (text !== '' && !/^-?\d+$/.test(text)) throw new InputProblem(`${label}: a whole number, -1 for unlimited, or empty for the tier's.`, `limit-${name}`);
      body[name] = text === '' ? null : Number(text);
    }
    await put(`/api/tenants/${tenant.id}`, body);
    onSaved();
    return ok(`The limits of ${tenant.name} are saved.`);
  });
  return html`<section class="panel" aria-labelledby="limits-heading">
    <h2 id="limits-heading">Limits of this tenant</h2>
    <p class="small muted">Empty: the ${tenant.tier} tier's value. -1: unlimited.</p>
    <form class="inline-form" onSubmit=${save}>
      ${LIMITS.map(([name, label]) => html`<${Field} id=${`limit-${name}`} label=${label}>
        <input id=${`limit-${name}`} name=${name} inputmode="numeric" placeholder=${String(tenant.limits?.[name] ?? '')} value=${form[name]}
          onInput=${(e) => setForm({ ...form, [name]: e.currentTarget.value })} />
      <//>`)}
      <${BusyButton} type="submit" busy=${action.busy} label="Save limits" busyLabel="Saving…" />
    </form>
    <${Notice} notice=${action.notice} />
  </section>`;
}
