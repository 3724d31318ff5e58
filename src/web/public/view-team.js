// One tenant's tokens and usage: "Team & usage" for its tenant admin, the tenant page for the platform admin.
import { ApiError, del, get, post } from './api.js';
import { alertBox, badge, busy, field, formatBytes, formatDate, h, select } from './dom.js';

const ROLE_OPTIONS = [
  ['agent', 'Agent: tickets and replies'],
  ['tenant_admin', 'Tenant admin: also settings, log and tokens'],
];

export async function teamView(ctx) {
  const tenantId = ctx.params[0] ? Number(ctx.params[0]) : ctx.me.tenant_id;
  const [tenant, usage, tokens] = await Promise.all([
    get(`/api/tenants/${tenantId}`),
    get(`/api/tenants/${tenantId}/usage`),
    get(`/api/tenants/${tenantId}/tokens`),
  ]);
  const platform = ctx.me.kind === 'platform_admin';
  const node = h(
    'section',
    null,
    platform ? h('p', { class: 'small' }, h('a', { href: '#/tenants' }, '← All tenants')) : null,
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, platform ? tenant.name : 'Team & usage'),
      h('span', null, badge(tenant.tier, 'tier'), ' ', badge(tenant.status)),
    ),
    h(
      'div',
      { class: 'grid-2' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'tenant-heading' },
        h('h2', { id: 'tenant-heading' }, 'Tenant'),
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, 'Name'),
          h('dd', null, tenant.name),
          h('dt', null, 'Slug'),
          h('dd', null, h('code', null, tenant.slug)),
          h('dt', null, 'Inbound address'),
          h('dd', null, h('code', null, tenant.inbound_email_address ?? '–')),
          h('dt', null, 'Own domains'),
          h('dd', null, tenant.domains.length ? tenant.domains.join(', ') : 'none'),
          h('dt', null, 'Created'),
          h('dd', null, formatDate(tenant.created_at)),
        ),
      ),
      usagePanel(usage),
    ),
    tokensPanel(tenantId, tokens.data),
  );
  return { node, title: platform ? tenant.name : 'Team & usage' };
}

export function usagePanel(report) {
  const rows = [
    ['Users', report.usage.users, report.limits.max_users, (v) => String(v)],
    ['Own domains', report.usage.domains, report.limits.max_domains, (v) => String(v)],
    ['Storage', report.usage.storage_gb, report.limits.max_storage_gb, (v, isLimit) => (isLimit ? `${v} GB` : formatBytes(report.usage.storage_bytes))],
    ['Messages today', report.usage.messages_today, report.limits.max_messages_per_day, (v) => String(v)],
  ];
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'usage-heading' },
    h('h2', { id: 'usage-heading' }, `Usage on the ${report.tier} tier`),
    h(
      'ul',
      { class: 'usage-list' },
      rows.map(([label, value, limit, format]) => {
        const unlimited = limit === -1;
        const text = unlimited ? `${format(value, false)} (unlimited)` : `${format(value, false)} of ${format(limit, true)}`;
        return h(
          'li',
          null,
          h('div', { class: 'usage-label' }, h('span', null, label), h('span', { class: 'muted' }, text)),
          unlimited
            ? null
            : h('meter', { min: '0', max: String(limit), low: String(limit * 0.75), high: String(limit * 0.9), optimum: '0', value: String(Math.min(value, limit)), 'aria-label': `${label}: ${text}` }),
        );
      }),
    ),
    h('p', { class: 'small muted' }, `Messages so far: ${report.usage.messages_in_total ?? 0} in, ${report.usage.messages_out_total ?? 0} out.`),
  );
}

function tokensPanel(tenantId, initial) {
  let tokens = initial;
  const list = h('div');
  const once = h('div', { 'aria-live': 'polite' });
  const status = h('div', { 'aria-live': 'polite' });

  const draw = () => {
    list.replaceChildren(
      tokens.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { id: 'tokens-table' },
              h('thead', null, h('tr', null, ['Name', 'Role', 'Token starts', 'Created', 'Last used', 'State', 'Action'].map((c) => h('th', { scope: 'col' }, c)))),
              h('tbody', null, tokens.map(tokenRow)),
            ),
          )
        : h('p', { class: 'muted' }, 'No tokens yet.'),
    );
  };

  const tokenRow = (token) => {
    const actions = h('td', { class: 'nowrap' });
    const drawActions = () => {
      if (token.revoked_at) {
        actions.replaceChildren();
        return;
      }
      actions.replaceChildren(
        h('button', { type: 'button', class: 'button danger small', 'aria-label': `Revoke the token ${token.name}`, onclick: confirmRevoke }, 'Revoke'),
      );
    };
    // An inline confirmation instead of window.confirm: keyboard friendly and never blocks the page.
    const confirmRevoke = () => {
      const yes = h(
        'button',
        {
          type: 'button',
          class: 'button danger small',
          onclick: (event) =>
            busy(event.currentTarget, async () => {
              try {
                const revoked = await del(`/api/tenants/${tenantId}/tokens/${token.id}`);
                tokens = tokens.map((t) => (t.id === token.id ? { ...t, ...(revoked ?? { revoked_at: new Date().toISOString() }) } : t));
                status.replaceChildren(alertBox('ok', null, `The token "${token.name}" is revoked; it no longer signs in.`));
                draw();
              } catch (error) {
                status.replaceChildren(alertBox('error', 'Not revoked', error instanceof ApiError ? error.readable : String(error)));
              }
            }),
        },
        'Yes, revoke',
      );
      actions.replaceChildren(h('span', { class: 'button-row' }, yes, h('button', { type: 'button', class: 'button secondary small', onclick: drawActions }, 'Cancel')));
      yes.focus();
    };
    drawActions();
    return h(
      'tr',
      { dataset: { tokenId: String(token.id) } },
      h('td', null, token.name),
      h('td', null, token.role === 'tenant_admin' ? 'Tenant admin' : 'Agent'),
      h('td', null, h('code', null, `${token.prefix}…`)),
      h('td', { class: 'nowrap' }, formatDate(token.created_at)),
      h('td', { class: 'nowrap' }, token.last_used_at ? formatDate(token.last_used_at) : 'never'),
      h('td', null, token.revoked_at ? badge('revoked') : badge('active')),
      actions,
    );
  };

  const role = select('role', ROLE_OPTIONS, 'agent');
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: '200', placeholder: 'Alice', autocomplete: 'off' });
  const email = h('input', { type: 'email', name: 'email', placeholder: 'alice@your-company.example (optional)', autocomplete: 'off' });
  const create = h('button', { type: 'submit', class: 'button' }, 'Create token');
  const form = h(
    'form',
    {
      class: 'inline-form',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        if (!name.value.trim()) {
          status.replaceChildren(alertBox('error', null, 'Give the token a name (usually the person who will use it).'));
          name.focus();
          return;
        }
        await busy(create, async () => {
          try {
            const created = await post(`/api/tenants/${tenantId}/tokens`, {
              role: role.value,
              name: name.value.trim(),
              ...(email.value.trim() ? { email: email.value.trim() } : {}),
            });
            const { token, ...view } = created;
            tokens = [...tokens, view];
            draw();
            name.value = '';
            email.value = '';
            status.replaceChildren();
            showOnce(once, token, view);
          } catch (error) {
            status.replaceChildren(alertBox('error', 'No token was created', error instanceof ApiError ? error.readable : String(error)));
          }
        }, 'Creating…');
      },
    },
    field('Role', role),
    field('Name', name),
    field('E-mail', email),
    create,
  );

  draw();
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'tokens-heading' },
    h('h2', { id: 'tokens-heading' }, 'Tokens'),
    h('p', { class: 'small muted' }, 'Each person signs in with a token. A new token is shown once; only its hash is stored. A new token without an existing user creates that user and counts against the tier.'),
    once,
    form,
    status,
    list,
  );
}

function showOnce(container, token, view) {
  const code = h('code', { id: 'new-token' }, token);
  const copied = h('span', { class: 'small', 'aria-live': 'polite' });
  const box = h(
    'div',
    { class: 'token-once', role: 'status' },
    h('strong', null, `Token for ${view.name} (${view.role === 'tenant_admin' ? 'tenant admin' : 'agent'}): copy it now, it is shown only once.`),
    code,
    h(
      'div',
      { class: 'button-row' },
      h(
        'button',
        {
          type: 'button',
          class: 'button small',
          onclick: async () => {
            try {
              await navigator.clipboard.writeText(token);
              copied.textContent = 'Copied.';
            } catch {
              const range = document.createRange();
              range.selectNodeContents(code);
              window.getSelection().removeAllRanges();
              window.getSelection().addRange(range);
              copied.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
            }
          },
        },
        'Copy token',
      ),
      h('button', { type: 'button', class: 'button secondary small', onclick: () => container.replaceChildren() }, 'I have saved it'),
      copied,
    ),
  );
  container.replaceChildren(box);
}
