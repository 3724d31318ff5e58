import { html, useState } from './vendor/htm-preact.js';
import { get, post, put, query } from './api.js';
import { Badge, BusyButton, Field, Notice, Pager, Select, TableHead } from './components.js';
import { formatDate } from './format.js';
import { InputProblem, ok, useAction, useLoad, useTitle } from './hooks.js';

const PER_PAGE = 50;
const TIERS = [
  ['free', 'Free'],
  ['starter', 'Starter'],
  ['professional', 'Professional'],
  ['enterprise', 'Enterprise'],
];
const EMPTY_FORM = { name: '', slug: '', tier: 'free', domain: '' };

export function TenantsPage({ query: params }) {
  useTitle('Tenants');
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const { data: result, fallback, setData } = useLoad(() => get(`/api/tenants${query({ page, per_page: PER_PAGE })}`));
  const rowAction = useAction();
  if (fallback) return fallback;

  const replace = (tenant) => setData({ ...result, tenants: result.tenants.map((t) => (t.id === tenant.id ? tenant : t)) });
  const change = (tenant, patch, success, failureTitle) =>
    rowAction.run(async () => {
      const updated = await put(`/api/tenants/${tenant.id}`, patch);
      replace({ ...tenant, ...updated });
      return ok(success(updated));
    }, failureTitle);
  const added = (tenant) => setData({ ...result, total: result.total + 1, tenants: [...result.tenants, tenant] });

  return html`<section>
    <div class="page-head"><h1>Tenants</h1><span class="muted small">${`${result.total} tenant${result.total === 1 ? '' : 's'}`}</span></div>
    <${NewTenant} onCreated=${added} />
    <${Notice} notice=${rowAction.notice} />
    <div class="table-wrap">
      <table id="tenants-table">
        <${TableHead} columns=${['Tenant', 'Inbound address', 'Tier', 'State', 'Created', 'Actions']} />
        <tbody>${result.tenants.map((tenant) => html`<${TenantRow} key=${tenant.id} tenant=${tenant} busy=${rowAction.busy} change=${change} />`)}</tbody>
      </table>
      ${result.tenants.length ? null : html`<p class="empty">No tenants yet: create the first one above.</p>`}
    </div>
    ${result.total > PER_PAGE
      ? html`<${Pager} page=${page} perPage=${PER_PAGE} total=${result.total} labels=${['← Previous', 'Next →']} href=${(target) => `#/tenants${query({ page: target })}`} />`
      : null}
  </section>`;
}

function TenantRow({ tenant, busy, change }) {
  const disable = tenant.status === 'active';
  const setTier = (tier) =>
    change(tenant, { tier }, (updated) => `${tenant.name} is now on the ${updated.tier} tier.`, `The tier of ${tenant.name} was not changed`);
  const toggle = () =>
    change(
      tenant,
      { status: disable ? 'disabled' : 'active' },
      () => (disable ? `${tenant.name} is disabled: its tokens are refused and its mail is rejected (data kept).` : `${tenant.name} is active again.`),
      `${tenant.name} was not changed`,
    );
  return html`<tr data-tenant-id=${tenant.id}>
    <td><a href=${`#/tenants/${tenant.id}`}>${tenant.name}</a><div class="muted small"><code>${tenant.slug}</code></div></td>
    <td><code>${tenant.inbound_email_address ?? '–'}</code>${tenant.domains.length ? html`<div class="muted small">${tenant.domains.join(', ')}</div>` : null}</td>
    <td><${Select} name="tier" options=${TIERS} value=${tenant.tier} disabled=${busy} aria-label=${`Tier of ${tenant.name}`} onChange=${(e) => setTier(e.currentTarget.value)} /></td>
    <td><${Badge} text=${tenant.status} /></td>
    <td class="nowrap">${formatDate(tenant.created_at)}</td>
    <td class="nowrap">
      <${BusyButton} class=${disable ? 'button danger small' : 'button secondary small'} busy=${busy} label=${disable ? 'Disable' : 'Enable'}
        aria-label=${`${disable ? 'Disable' : 'Enable'} ${tenant.name}`} onClick=${toggle} />
      ${' '}<a class="button secondary small" href=${`#/tenants/${tenant.id}`}>Tokens & usage</a>
    </td>
  </tr>`;
}

function NewTenant({ onCreated }) {
  const [form, setForm] = useState(EMPTY_FORM);
  const action = useAction('The tenant was not created');
  const bind = (name) => ({ id: `tenant-${name}`, name, value: form[name], onInput: (e) => setForm({ ...form, [name]: e.currentTarget.value }) });

  const create = action.submit(async () => {
    if (!form.name.trim()) throw new InputProblem('Give the tenant a name.', 'tenant-name');
    const created = await post('/api/tenants', {
      name: form.name.trim(),
      tier: form.tier,
      ...(form.slug.trim() ? { slug: form.slug.trim() } : {}),
      ...(form.domain.trim() ? { domain: form.domain.trim() } : {}),
    });
    setForm({ ...EMPTY_FORM, tier: form.tier });
    onCreated(created);
    const next = html`<span>${`Its inbound address is ${created.inbound_email_address}. `}<a href=${`#/tenants/${created.id}`}>Create its first tokens</a></span>`;
    return ok(next, `${created.name} created`);
  });

  return html`<section class="panel" aria-labelledby="new-tenant-heading">
    <h2 id="new-tenant-heading">New tenant</h2>
    <form class="inline-form" novalidate onSubmit=${create}>
      <${Field} id="tenant-name" label="Name"><input type="text" required maxlength="200" placeholder="Acme Ltd" autocomplete="off" ...${bind('name')} /><//>
      <${Field} id="tenant-slug" label="Slug"><input type="text" placeholder="from the name" autocomplete="off" spellcheck="false" ...${bind('slug')} /><//>
      <${Field} id="tenant-tier" label="Tier"><${Select} options=${TIERS} ...${bind('tier')} onChange=${bind('tier').onInput} /><//>
      <${Field} id="tenant-domain" label="Own domain"><input type="text" placeholder="acme.example (optional)" autocomplete="off" spellcheck="false" ...${bind('domain')} /><//>
      <${BusyButton} type="submit" busy=${action.busy} label="Create tenant" busyLabel="Creating…" />
    </form>
    <${Notice} notice=${action.notice} />
  </section>`;
}
