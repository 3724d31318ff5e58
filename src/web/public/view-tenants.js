import { ApiError, get, post, put, query } from './api.js';
import { alertBox, badge, busy, field, formatDate, h, select } from './dom.js';

const PER_PAGE = 50;
const TIERS = [
  ['free', 'Free'],
  ['starter', 'Starter'],
  ['professional', 'Professional'],
  ['enterprise', 'Enterprise'],
];

export async function tenantsView(ctx) {
  const page = Math.max(1, Number.parseInt(ctx.query.get('page') ?? '1', 10) || 1);
  const result = await get(`/api/tenants${query({ page, per_page: PER_PAGE })}`);
  const status = h('div', { 'aria-live': 'polite' });
  const readable = (error) => (error instanceof ApiError ? error.readable : String(error));

  const row = (tenant) => {
    const tier = select('tier', TIERS, tenant.tier);
    tier.setAttribute('aria-label', `Tier of ${tenant.name}`);
    tier.addEventListener('change', async () => {
      const wanted = tier.value;
      tier.disabled = true;
      try {
        const updated = await put(`/api/tenants/${tenant.id}`, { tier: wanted });
        tenant.tier = updated.tier;
        status.replaceChildren(alertBox('ok', null, `${tenant.name} is now on the ${updated.tier} tier.`));
      } catch (error) {
        tier.value = tenant.tier;
        status.replaceChildren(alertBox('error', `The tier of ${tenant.name} was not changed`, readable(error)));
      } finally {
        tier.disabled = false;
      }
    });
    const stateCell = h('td');
    const toggleCell = h('td', { class: 'nowrap' });
    const drawState = () => {
      stateCell.replaceChildren(badge(tenant.status));
      const disable = tenant.status === 'active';
      toggleCell.replaceChildren(
        h(
          'button',
          {
            type: 'button',
            class: disable ? 'button danger small' : 'button secondary small',
            'aria-label': `${disable ? 'Disable' : 'Enable'} ${tenant.name}`,
            onclick: (event) =>
              busy(event.currentTarget, async () => {
                try {
                  const updated = await put(`/api/tenants/${tenant.id}`, { status: disable ? 'disabled' : 'active' });
                  tenant.status = updated.status;
                  status.replaceChildren(
                    alertBox('ok', null, disable ? `${tenant.name} is disabled: its tokens are refused and its mail is rejected (data kept).` : `${tenant.name} is active again.`),
                  );
                  drawState();
                } catch (error) {
                  status.replaceChildren(alertBox('error', `${tenant.name} was not changed`, readable(error)));
                }
              }),
          },
          disable ? 'Disable' : 'Enable',
        ),
        ' ',
        h('a', { class: 'button secondary small', href: `#/tenants/${tenant.id}` }, 'Tokens & usage'),
      );
    };
    drawState();
    return h(
      'tr',
      { dataset: { tenantId: String(tenant.id) } },
      h('td', null, h('a', { href: `#/tenants/${tenant.id}` }, tenant.name), h('div', { class: 'muted small' }, h('code', null, tenant.slug))),
      h('td', null, h('code', null, tenant.inbound_email_address ?? '–'), tenant.domains.length ? h('div', { class: 'muted small' }, tenant.domains.join(', ')) : null),
      h('td', null, tier),
      stateCell,
      h('td', { class: 'nowrap' }, formatDate(tenant.created_at)),
      toggleCell,
    );
  };

  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: '200', placeholder: 'Acme Ltd', autocomplete: 'off' });
  const slug = h('input', { type: 'text', name: 'slug', placeholder: 'from the name', autocomplete: 'off', spellcheck: 'false' });
  const tier = select('tier', TIERS, 'free');
  const domain = h('input', { type: 'text', name: 'domain', placeholder: 'acme.example (optional)', autocomplete: 'off', spellcheck: 'false' });
  const create = h('button', { type: 'submit', class: 'button' }, 'Create tenant');
  const createStatus = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    {
      class: 'inline-form',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        if (!name.value.trim()) {
          createStatus.replaceChildren(alertBox('error', null, 'Give the tenant a name.'));
          name.focus();
          return;
        }
        await busy(create, async () => {
          try {
            const created = await post('/api/tenants', {
              name: name.value.trim(),
              tier: tier.value,
              ...(slug.value.trim() ? { slug: slug.value.trim() } : {}),
              ...(domain.value.trim() ? { domain: domain.value.trim() } : {}),
            });
            createStatus.replaceChildren(
              alertBox(
                'ok',
                `${created.name} created`,
                h('span', null, `Its inbound address is ${created.inbound_email_address}. `, h('a', { href: `#/tenants/${created.id}` }, 'Create its first tokens')),
              ),
            );
            name.value = '';
            slug.value = '';
            domain.value = '';
            tbody.append(row(created));
            empty?.remove();
          } catch (error) {
            createStatus.replaceChildren(alertBox('error', 'The tenant was not created', readable(error)));
          }
        }, 'Creating…');
      },
    },
    field('Name', name),
    field('Slug', slug),
    field('Tier', tier),
    field('Own domain', domain),
    create,
  );

  const tbody = h('tbody', null, result.data.map(row));
  const empty = result.data.length ? null : h('p', { class: 'empty' }, 'No tenants yet: create the first one above.');
  const pageLink = (target, label) =>
    target >= 1 && (target - 1) * PER_PAGE < result.total
      ? h('a', { class: 'button secondary small', href: `#/tenants${query({ page: target })}` }, label)
      : h('span', { class: 'button secondary small', 'aria-disabled': 'true', disabled: true }, label);

  const node = h(
    'section',
    null,
    h('div', { class: 'page-head' }, h('h1', null, 'Tenants'), h('span', { class: 'muted small' }, `${result.total} tenant${result.total === 1 ? '' : 's'}`)),
    h('section', { class: 'panel', 'aria-labelledby': 'new-tenant-heading' }, h('h2', { id: 'new-tenant-heading' }, 'New tenant'), form, createStatus),
    status,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { id: 'tenants-table' },
        h('thead', null, h('tr', null, ['Tenant', 'Inbound address', 'Tier', 'State', 'Created', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
        tbody,
      ),
      empty,
    ),
    result.total > PER_PAGE ? h('nav', { class: 'pager', 'aria-label': 'Pages' }, h('span'), h('div', { class: 'button-row' }, pageLink(page - 1, '← Previous'), pageLink(page + 1, 'Next →'))) : null,
  );
  return { node, title: 'Tenants' };
}
