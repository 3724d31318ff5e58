// The shell: hash routes (#/tickets/12), the navigation for the signed-in role, and one place
// that turns every failure into a readable message instead of a blank page.
import { ApiError, get, session } from './api.js';
import { alertBox, h } from './dom.js';
import { signInView } from './view-signin.js';
import { ticketsView } from './view-tickets.js';
import { ticketView } from './view-ticket.js';
import { settingsView } from './view-settings.js';
import { logView } from './view-log.js';
import { teamView } from './view-team.js';
import { tenantsView } from './view-tenants.js';

const AGENT = ['agent', 'tenant_admin'];
const ADMIN = ['tenant_admin'];
const PLATFORM = ['platform_admin'];

const ROUTES = [
  { pattern: /^\/tickets$/, view: ticketsView, roles: AGENT, nav: 'tickets' },
  { pattern: /^\/tickets\/(\d+)$/, view: ticketView, roles: AGENT, nav: 'tickets' },
  { pattern: /^\/settings$/, view: settingsView, roles: ADMIN, nav: 'settings' },
  { pattern: /^\/log$/, view: logView, roles: ADMIN, nav: 'log' },
  { pattern: /^\/team$/, view: teamView, roles: ADMIN, nav: 'team' },
  { pattern: /^\/tenants$/, view: tenantsView, roles: PLATFORM, nav: 'tenants' },
  { pattern: /^\/tenants\/(\d+)$/, view: teamView, roles: PLATFORM, nav: 'tenants' },
];

const NAV = {
  agent: [['tickets', 'Tickets', '#/tickets']],
  tenant_admin: [
    ['tickets', 'Tickets', '#/tickets'],
    ['settings', 'E-mail settings', '#/settings'],
    ['log', 'Processing log', '#/log'],
    ['team', 'Team & usage', '#/team'],
  ],
  platform_admin: [['tenants', 'Tenants', '#/tenants']],
};

const ROLE_LABELS = { agent: 'Agent', tenant_admin: 'Tenant admin', platform_admin: 'Platform admin' };

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const banner = document.getElementById('banner');

let generation = 0;
let flash = null;

export function roleOf(me) {
  return me.kind === 'platform_admin' ? 'platform_admin' : me.role;
}

function homeOf(me) {
  return roleOf(me) === 'platform_admin' ? '#/tenants' : '#/tickets';
}

function parseLocation() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = hash.split('?');
  return { path: path || '/', query: new URLSearchParams(search) };
}

function renderChrome(me, current) {
  if (!me) {
    nav.replaceChildren();
    who.replaceChildren();
    return;
  }
  const role = roleOf(me);
  nav.replaceChildren(
    ...NAV[role].map(([key, label, href]) => h('a', { href, 'aria-current': key === current ? 'page' : null }, label)),
  );
  who.replaceChildren(
    h('span', { class: 'role-label' }, me.kind === 'tenant' ? `${me.tenant.name} · ${ROLE_LABELS[role]}` : ROLE_LABELS[role]),
    h('button', { type: 'button', class: 'button small', onclick: signOut }, 'Sign out'),
  );
}

function signOut() {
  session.signOut();
  flash = { kind: 'info', text: 'You are signed out. The token was removed from this browser tab.' };
  if (location.hash === '#/signin') void render();
  else location.hash = '#/signin';
}

function takeFlash() {
  const message = flash;
  flash = null;
  return message ? alertBox(message.kind, null, message.text) : null;
}

/** A readable page for any failure, with a way on. */
export function errorView(error, retry) {
  const text = error instanceof ApiError ? error.readable : `Something went wrong in the page: ${error?.message ?? error}.`;
  return h(
    'section',
    null,
    h('h1', null, 'That did not work'),
    alertBox('error', null, text),
    h(
      'div',
      { class: 'button-row' },
      retry ? h('button', { type: 'button', class: 'button', onclick: retry }, 'Try again') : null,
      h('a', { class: 'button secondary', href: '#/' }, 'Go to the start page'),
    ),
  );
}

function showLoading() {
  main.replaceChildren(h('p', { class: 'loading', role: 'status' }, 'Loading…'));
  main.setAttribute('aria-busy', 'true');
}

function show(node, title, moveFocus) {
  main.replaceChildren(node);
  main.setAttribute('aria-busy', 'false');
  document.title = title ? `${title} · Inbound` : 'Inbound';
  if (moveFocus) {
    window.scrollTo(0, 0);
    main.focus({ preventScroll: true });
  }
}

async function render(event) {
  const mine = ++generation;
  const current = () => mine === generation;
  const moveFocus = Boolean(event);
  const { path, query } = parseLocation();
  banner.hidden = true;

  if (!session.token) {
    if (path !== '/signin') {
      location.replace('#/signin');
      return;
    }
    renderChrome(null);
    show(signInView({ flash: takeFlash(), onSignedIn }), 'Sign in', moveFocus);
    return;
  }

  if (!session.me) {
    showLoading();
    try {
      session.me = await get('/api/me');
    } catch (error) {
      if (!current()) return;
      if (error instanceof ApiError && error.status === 401) return; // onUnauthorized took over
      renderChrome(null);
      show(errorView(error, () => render()), 'Error', moveFocus);
      return;
    }
    if (!current()) return;
  }
  const me = session.me;

  if (path === '/' || path === '/signin') {
    location.replace(homeOf(me));
    return;
  }
  const route = ROUTES.map((r) => ({ route: r, match: r.pattern.exec(path) })).find((r) => r.match);
  renderChrome(me, route?.route.nav);
  if (!route) {
    show(errorView(new ApiError(404, 'not_found', `There is no page ${path}`)), 'Not found', moveFocus);
    return;
  }
  if (!route.route.roles.includes(roleOf(me))) {
    show(
      errorView(new ApiError(403, 'forbidden', `this page is for ${route.route.roles.map((r) => ROLE_LABELS[r]).join(' or ')} tokens`)),
      'Not allowed',
      moveFocus,
    );
    return;
  }

  showLoading();
  const ctx = {
    me,
    params: route.match.slice(1),
    query,
    isCurrent: current,
    go: (hash) => {
      if (location.hash === hash) void render();
      else location.hash = hash;
    },
    refresh: () => render(),
  };
  try {
    const { node, title } = await route.route.view(ctx);
    if (!current()) return;
    show(node, title, moveFocus);
  } catch (error) {
    if (!current()) return;
    if (error instanceof ApiError && error.status === 401) return;
    show(errorView(error, () => render()), 'Error', moveFocus);
  }
}

function onSignedIn(me) {
  session.me = me;
  location.hash = homeOf(me);
}

session.onUnauthorized((error) => {
  session.signOut();
  flash = { kind: 'error', text: `Your session ended: ${error.message}. Sign in again with a valid token.` };
  if (location.hash === '#/signin') void render();
  else location.hash = '#/signin';
});

function showBanner(text) {
  banner.textContent = text;
  banner.hidden = false;
}

window.addEventListener('error', (event) => showBanner(`Something went wrong in the page: ${event.message}. Reload if it keeps happening.`));
window.addEventListener('unhandledrejection', (event) => {
  const reason = event.reason;
  showBanner(reason instanceof ApiError ? reason.readable : `Something went wrong in the page: ${reason?.message ?? reason}.`);
});
window.addEventListener('hashchange', (event) => void render(event));

window.inboundStarted = true;
void render();
