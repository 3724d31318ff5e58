// The shell: hash routes (#/tickets/12), the navigation for the signed-in role, the session, and
// one banner for failures no page caught.
import { html, render, useEffect, useRef, useState } from './vendor/htm-preact.js';
import { ApiError, errorText, get, session } from './api.js';
import { Alert, Loading } from './components.js';
import { ErrorPage } from './error-page.js';
import { useLoad } from './hooks.js';
import { endSession, resumeSession, SignInPage } from './view-signin.js';
import { PUBLIC_PAGES } from './view-account-links.js';
import { AccountPage } from './view-account.js';
import { AuditPage } from './view-audit.js';
import { TicketsPage } from './view-tickets.js';
import { TicketPage } from './view-ticket.js';
import { SettingsPage } from './view-settings.js';
import { LogPage } from './view-log.js';
import { TeamPage } from './view-team.js';
import { TenantsPage } from './view-tenants.js';
import { OperatorLogPage } from './view-operator-log.js';
import { UnreadTitle } from './unread-title.js';
import { afterSignIn, signInRoute } from './deep-link.js';
import { labelTableCells } from './table-cards.js';
import { MailboxNotice } from './settings-mailboxes.js';

const AGENT = ['agent', 'tenant_admin'];
const ADMIN = ['tenant_admin'];
const PLATFORM = ['platform_admin'];

const ROUTES = [
  { pattern: /^\/tickets$/, page: TicketsPage, roles: AGENT, nav: 'tickets' },
  { pattern: /^\/tickets\/(\d+)$/, page: TicketPage, roles: AGENT, nav: 'tickets' },
  { pattern: /^\/settings$/, page: SettingsPage, roles: ADMIN, nav: 'settings' },
  { pattern: /^\/log$/, page: LogPage, roles: ADMIN, nav: 'log' },
  { pattern: /^\/team$/, page: TeamPage, roles: ADMIN, nav: 'team' },
  { pattern: /^\/tenants$/, page: TenantsPage, roles: PLATFORM, nav: 'tenants' },
  { pattern: /^\/tenants\/(\d+)$/, page: TeamPage, roles: PLATFORM, nav: 'tenants' },
  { pattern: /^\/mail-log$/, page: OperatorLogPage, roles: PLATFORM, nav: 'mail-log' },
  { pattern: /^\/account$/, page: AccountPage, roles: [...AGENT, ...PLATFORM], nav: 'account' },
  { pattern: /^\/audit$/, page: AuditPage, roles: [...ADMIN, ...PLATFORM], nav: 'audit' },
];

const NAV = {
  agent: [['tickets', 'Tickets', '#/tickets']],
  tenant_admin: [
    ['tickets', 'Tickets', '#/tickets'],
    ['settings', 'E-mail settings', '#/settings'],
    ['log', 'Processing log', '#/log'],
    ['team', 'Team & usage', '#/team'],
    ['audit', 'Audit log', '#/audit'],
  ],
  platform_admin: [
    ['tenants', 'Tenants', '#/tenants'],
    ['mail-log', 'All mail', '#/mail-log'],
    ['audit', 'Audit log', '#/audit'],
  ],
};

const ROLE_LABELS = { agent: 'Agent', tenant_admin: 'Tenant admin', platform_admin: 'Platform admin' };

function roleOf(me) {
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

/** Corrects the address without a new history entry; the page renders for the new one at once. */
function redirect(hash) {
  history.replaceState(null, '', hash);
  return parseLocation();
}

/** Goes to `hash`; going where we already are loads the page again. */
function go(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

/** A link to the page already shown loads it again (hash links alone would do nothing). */
function reloadIfHere(event, href) {
  if (location.hash !== href || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  go(href);
}

function TopBar({ me, current, onSignOut }) {
  const role = me ? roleOf(me) : null;
  return html`<header class="topbar">
    <a class="brand" href="#/">Inbound</a>
    <nav id="nav" class="nav" aria-label="Main">
      ${role ? NAV[role].map(([key, label, href]) => html`<a href=${href} aria-current=${key === current ? 'page' : null} onClick=${(e) => reloadIfHere(e, href)}>${label}</a>`) : null}
    </nav>
    <div id="who" class="who">
      ${me
        ? html`<span class="role-label">${me.kind === 'tenant' ? `${me.tenant.name} · ${ROLE_LABELS[role]}` : ROLE_LABELS[role]}</span>
            ${me.user || me.operator ? html`<a class="button small secondary" href="#/account" aria-current=${current === 'account' ? 'page' : null}>${(me.user ?? me.operator).name}</a>` : null}
            <button type="button" class="button small" onClick=${onSignOut}>Sign out</button>`
        : null}
    </div>
  </header>`;
}

/** Whose token this is, asked once per session. */
function SignedIn({ children }) {
  const { data: me, fallback } = useLoad(() => (session.me ? Promise.resolve(session.me) : get('/api/me')));
  if (fallback) return children(null, fallback);
  session.me = me;
  return children(me, null);
}

function pageFor(me, where, visit) {
  const start = where.path === '/' || where.path === '/signin' ? redirect(afterSignIn(where, homeOf(me))) : where;
  // A tenant that requires a second factor lets its people only set one up until they have.
  const { path, query } = me.two_factor_setup_required && start.path !== '/account' ? redirect('#/account') : start;
  const found = ROUTES.map((route) => ({ route, match: route.pattern.exec(path) })).find((r) => r.match);
  if (!found) return { nav: null, body: html`<${ErrorPage} title="Not found" error=${new ApiError(404, 'not_found', `There is no page ${path}`)} />` };
  const { route, match } = found;
  if (!route.roles.includes(roleOf(me))) {
    const error = new ApiError(403, 'forbidden', `this page is for ${route.roles.map((r) => ROLE_LABELS[r]).join(' or ')} tokens`);
    return { nav: route.nav, body: html`<${ErrorPage} title="Not allowed" error=${error} />` };
  }
  const Page = route.page;
  return { nav: route.nav, body: html`<${Page} key=${visit} me=${me} params=${match.slice(1)} query=${query} go=${go} refresh=${() => go(location.hash)} />` };
}

function App() {
  const [visit, setVisit] = useState({ count: 0, moveFocus: false });
  const [flash, setFlash] = useState(null);
  const [banner, setBanner] = useState(null);
  // Whether a session cookie signs this tab in is known after one GET /api/me (null: asking).
  const [resumed, setResumed] = useState(Boolean(session.token));
  const main = useRef(null);

  useEffect(() => {
    if (resumed) return;
    resumeSession().then(
      () => setResumed(true),
      (error) => {
        setBanner(errorText(error));
        setResumed(true);
      },
    );
  }, []);

  useEffect(() => {
    const onHashChange = () => {
      setBanner(null);
      setVisit((v) => ({ count: v.count + 1, moveFocus: true }));
    };
    const onError = (event) => setBanner(`Something went wrong in the page: ${event.message}. Reload if it keeps happening.`);
    const onRejection = (event) => setBanner(errorText(event.reason));
    window.addEventListener('hashchange', onHashChange);
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
    session.onUnauthorized((error) => {
      session.signOut();
      setFlash({ kind: 'error', text: `Your session ended: ${error.message}. Sign in again.` });
      go(signInRoute(parseLocation()));
    });
    return () => {
      window.removeEventListener('hashchange', onHashChange);
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onRejection);
    };
  }, []);

  useEffect(() => {
    if (!visit.moveFocus) return;
    window.scrollTo(0, 0);
    main.current?.focus({ preventScroll: true });
  }, [visit]);

  const signOut = async () => {
    const withToken = Boolean(session.token);
    await endSession();
    setFlash({ kind: 'info', text: withToken ? 'You are signed out. The token was removed from this browser tab.' : 'You are signed out.' });
    go('#/signin');
  };
  const signedIn = (me) => {
    session.me = me;
    setFlash(null);
    location.hash = afterSignIn(parseLocation(), homeOf(me));
  };

  let where = parseLocation();
  const shell = (me, current, body) => html`
    <${TopBar} me=${me} current=${current} onSignOut=${signOut} />
    <div id="banner" class="banner" role="alert" hidden=${!banner}>${banner}</div>
    ${me && roleOf(me) === 'tenant_admin' ? html`<${MailboxNotice} visit=${visit.count} />` : null}
    <main id="main" class="main" tabindex="-1" ref=${main}>${body}</main>`;

  const PublicPage = PUBLIC_PAGES[where.path];
  if (PublicPage) return shell(null, null, html`<${PublicPage} key=${visit.count} query=${where.query} onSignedIn=${signedIn} />`);
  if (!resumed) return shell(null, null, html`<${Loading} />`);
  if (!session.token && !session.me) {
    if (where.path !== '/signin') where = redirect(signInRoute(where));
    const notice = flash ? html`<${Alert} kind=${flash.kind}>${flash.text}<//>` : null;
    return shell(null, null, html`<${SignInPage} key=${visit.count} flash=${notice} onSignedIn=${signedIn} />`);
  }
  return html`<${SignedIn} key=${session.token ?? 'session'}>
    ${(me, fallback) => {
      if (fallback) return shell(null, null, fallback);
      const routed = pageFor(me, where, visit.count);
      return shell(me, routed.nav, html`${me.kind === 'tenant' ? html`<${UnreadTitle} />` : null}${routed.body}`);
    }}
  <//>`;
}

const root = document.getElementById('app');
root.replaceChildren();
render(html`<${App} />`, root);
labelTableCells(root);
window.inboundStarted = true;
