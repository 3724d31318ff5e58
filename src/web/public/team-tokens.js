import { html, useEffect, useRef, useState } from './vendor/htm-preact.js';
import { del, post } from './api.js';
import { Badge, BusyButton, CopyButton, Field, Notice, Select, TableHead } from './components.js';
import { formatDate } from './format.js';
import { InputProblem, ok, useAction } from './hooks.js';

const ROLE_OPTIONS = [
  ['agent', 'Agent: tickets and replies'],
  ['tenant_admin', 'Tenant admin: also settings, log and tokens'],
];
const EMPTY_FORM = { role: 'agent', name: '', email: '' };

export function TokensPanel({ tenantId, initial }) {
  const [tokens, setTokens] = useState(initial);
  const [form, setForm] = useState(EMPTY_FORM);
  const [created, setCreated] = useState(null);
  const action = useAction('No token was created');
  const bind = (name) => ({ id: `token-${name}`, name, value: form[name], onInput: (e) => setForm({ ...form, [name]: e.currentTarget.value }) });

  const create = action.submit(async () => {
    if (!form.name.trim()) throw new InputProblem('Give the token a name (usually the person who will use it).', 'token-name');
    const { token, ...view } = await post(`/api/tenants/${tenantId}/tokens`, {
      role: form.role,
      name: form.name.trim(),
      ...(form.email.trim() ? { email: form.email.trim() } : {}),
    });
    setTokens([...tokens, view]);
    setForm({ ...EMPTY_FORM, role: form.role });
    setCreated({ token, view });
    return null;
  });
  const revoke = (token) =>
    action.run(async () => {
      const revoked = await del(`/api/tenants/${tenantId}/tokens/${token.id}`);
      setTokens(tokens.map((t) => (t.id === token.id ? { ...t, ...(revoked ?? { revoked_at: new Date().toISOString() }) } : t)));
      return ok(`The token "${token.name}" is revoked; it no longer signs in.`);
    }, 'Not revoked');

  return html`<section class="panel" aria-labelledby="tokens-heading">
    <h2 id="tokens-heading">Tokens</h2>
    <p class="small muted">Each person signs in with a token. A new token is shown once; only its hash is stored. A new token without an existing user creates that user and counts against the tier.</p>
    <div aria-live="polite">${created ? html`<${ShownOnce} ...${created} onDone=${() => setCreated(null)} />` : null}</div>
    <form class="inline-form" novalidate onSubmit=${create}>
      <${Field} id="token-role" label="Role"><${Select} options=${ROLE_OPTIONS} ...${bind('role')} onChange=${bind('role').onInput} /><//>
      <${Field} id="token-name" label="Name"><input type="text" required maxlength="200" placeholder="Alice" autocomplete="off" ...${bind('name')} /><//>
      <${Field} id="token-email" label="E-mail"><input type="email" placeholder="alice@your-company.example (optional)" autocomplete="off" ...${bind('email')} /><//>
      <${BusyButton} type="submit" busy=${action.busy} label="Create token" busyLabel="Creating…" />
    </form>
    <${Notice} notice=${action.notice} />
    ${tokens.length
      ? html`<div class="table-wrap"><table id="tokens-table">
          <${TableHead} columns=${['Name', 'Role', 'Token starts', 'Created', 'Last used', 'State', 'Action']} />
          <tbody>${tokens.map((token) => html`<${TokenRow} key=${token.id} token=${token} busy=${action.busy} onRevoke=${() => revoke(token)} />`)}</tbody>
        </table></div>`
      : html`<p class="muted">No tokens yet.</p>`}
  </section>`;
}

function TokenRow({ token, busy, onRevoke }) {
  // An inline confirmation instead of window.confirm: keyboard friendly and never blocks the page.
  const [confirming, setConfirming] = useState(false);
  const yes = useRef(null);
  useEffect(() => {
    if (confirming) yes.current?.focus();
  }, [confirming]);
  return html`<tr data-token-id=${token.id}>
    <td>${token.name}</td>
    <td>${token.role === 'tenant_admin' ? 'Tenant admin' : 'Agent'}</td>
    <td><code>${`${token.prefix}…`}</code></td>
    <td class="nowrap">${formatDate(token.created_at)}</td>
    <td class="nowrap">${token.last_used_at ? formatDate(token.last_used_at) : 'never'}</td>
    <td><${Badge} text=${token.revoked_at ? 'revoked' : 'active'} /></td>
    <td class="nowrap">
      ${token.revoked_at
        ? null
        : confirming
          ? html`<span class="button-row">
              <button type="button" class="button danger small" disabled=${busy} ref=${yes} onClick=${onRevoke}>Yes, revoke</button>
              <button type="button" class="button secondary small" onClick=${() => setConfirming(false)}>Cancel</button>
            </span>`
          : html`<button type="button" class="button danger small" aria-label=${`Revoke the token ${token.name}`} onClick=${() => setConfirming(true)}>Revoke</button>`}
    </td>
  </tr>`;
}

function ShownOnce({ token, view, onDone }) {
  const code = useRef(null);
  return html`<div class="token-once" role="status">
    <strong>${`Token for ${view.name} (${view.role === 'tenant_admin' ? 'tenant admin' : 'agent'}): copy it now, it is shown only once.`}</strong>
    <code id="new-token" ref=${code}>${token}</code>
    <div class="button-row">
      <${CopyButton} text=${token} target=${() => code.current} label="Copy token" class="button small" copiedText="Copied." />
      <button type="button" class="button secondary small" onClick=${onDone}>I have saved it</button>
    </div>
  </div>`;
}
