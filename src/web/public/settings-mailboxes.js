// The tenant's own mailboxes (IMAP with a password, Microsoft 365 and Google by OAuth2): connect,
// see each one's state, reconnect after a refused login or a revoked grant, turn off, remove.
// A mailbox that stopped working is said at the top; so is the outcome of signing in at a provider.
import { html, useEffect, useState } from './vendor/htm-preact.js';
import { del, get, patch, post } from './api.js';
import { Alert, Badge, BusyButton, Field, Notice, Select, Time } from './components.js';
import { InputProblem, ok, useAction } from './hooks.js';

const SECURITY_OPTIONS = [
  ['tls', 'TLS from the start (usually port 993)'],
  ['starttls', 'STARTTLS (usually port 143)'],
  ['none', 'None: plain text (hosts the operator allows only)'],
];

const STATES = {
  awaiting_authorization: ['not signed in yet', 'pending', 'Sign in at the provider to finish connecting it.'],
  connecting: ['connecting', 'pending', 'Waiting for a reader to connect.'],
  connected: ['connected', 'sent', 'Mail is read as it arrives.'],
  backing_off: ['retrying', 'queued', 'The last attempt failed; it is retried with growing pauses.'],
  needs_reauthorization: ['needs your password', 'failed', 'The server refused the login. Nothing is read until you give the password again.'],
  disabled: ['off', 'pending', 'Turned off: nothing is read.'],
};
const OAUTH_STATES = {
  needs_reauthorization: ['needs you to reconnect', 'failed', 'The provider no longer accepts the access you gave. Nothing is read until you reconnect; mail waiting meanwhile is read then.'],
};
const OAUTH_LABELS = { microsoft365: 'Microsoft 365', google: 'Google' };
const isOAuth = (mailbox) => mailbox.kind in OAUTH_LABELS;

/** To the provider's sign-in page: the answer also set the cookie its redirect back must bring. */
async function signInAtProvider(request) {
  const { authorize_url: url } = await request();
  location.assign(url);
}

/** What the provider's redirect back said (#/settings?mailbox_connected=… or ?mailbox_error=…), read once. */
function providerOutcome() {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const connected = params.get('mailbox_connected');
  const error = params.get('mailbox_error');
  if (connected === null && error === null) return null;
  history.replaceState(null, '', '#/settings');
  return error === null ? { kind: 'success', text: 'Connected. Mail in the mailbox becomes tickets within seconds.' } : { kind: 'error', text: error };
}

const EMPTY = { host: '', port: '993', security: 'tls', username: '', password: '', folder: 'INBOX' };
/** How often the list is read again while the page is open, so that a mailbox going bad shows. */
const REFRESH_MS = 15_000;

export const mailboxesNeedingAttention = (mailboxes) => mailboxes.filter((m) => m.state === 'backing_off' || m.state === 'needs_reauthorization');

export function MailboxesPanel({ initial, providers = [] }) {
  const [mailboxes, setMailboxes] = useState(initial);
  const [outcome] = useState(providerOutcome);
  const reload = async () => setMailboxes(await get('/api/email-settings/mailboxes'));
  useEffect(() => {
    const timer = setInterval(() => reload().catch(() => undefined), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const troubled = mailboxesNeedingAttention(mailboxes);
  return html`<section class="panel" aria-labelledby="mailboxes-heading">
    <h2 id="mailboxes-heading">Your own mailboxes</h2>
    <p class="muted small">Mail in a mailbox you connect here becomes tickets of this helpdesk, whoever it is addressed to. It is read as it arrives and moved to the mailbox's Processed folder once filed; nothing is read "unread only", so mail someone opened is not lost.</p>
    ${outcome ? html`<${Alert} kind=${outcome.kind} title=${outcome.kind === 'error' ? 'The mailbox was not connected: ' : null}>${outcome.text}<//>` : null}
    ${troubled.length
      ? html`<${Alert} kind="error" title=${`${troubled.length} mailbox${troubled.length === 1 ? '' : 'es'} not read: `}>
          ${troubled.map((m) => m.username).join(', ')}. The reason and what to do are below.
        <//>`
      : null}
    ${mailboxes.length === 0 ? html`<p class="muted">No mailbox connected yet.</p>` : mailboxes.map((m) => html`<${MailboxRow} key=${m.id} mailbox=${m} onChange=${reload} />`)}
    <${ProviderButtons} providers=${providers} />
    <${ConnectForm} onConnected=${reload} />
  </section>`;
}

/** "Connect Microsoft 365", "Connect Google": for the providers the platform has an app for. */
function ProviderButtons({ providers }) {
  const action = useAction('The mailbox was not connected');
  const offered = providers.filter((p) => p.kind in OAUTH_LABELS && p.platform_app);
  if (offered.length === 0) return null;
  return html`<div class="inline-form">
    ${offered.map((p) => html`<${BusyButton} key=${p.kind} class="button" busy=${action.busy} label=${`Connect ${p.label}`} busyLabel="Opening the sign-in…"
      onClick=${() => action.run(() => signInAtProvider(() => post('/api/email-settings/mailboxes', { kind: p.kind })))} />`)}
    <${Notice} notice=${action.notice} />
  </div>`;
}

function MailboxRow({ mailbox, onChange }) {
  const action = useAction('The mailbox was not changed');
  const [password, setPassword] = useState('');
  const oauth = isOAuth(mailbox);
  const [label, kind, help] = (oauth && OAUTH_STATES[mailbox.state]) || STATES[mailbox.state] || [mailbox.state, 'pending', ''];
  const signIn = () => action.run(() => signInAtProvider(() => post(`/api/email-settings/mailboxes/${mailbox.id}/authorize`, {})));
  const reconnect = action.submit(async () => {
    if (!password) throw new InputProblem('Enter the mailbox password.', `mailbox-${mailbox.id}-password`);
    await patch(`/api/email-settings/mailboxes/${mailbox.id}`, { password });
    setPassword('');
    await onChange();
    return ok('Saved. The mailbox is read again from where it stopped.');
  });
  const toggle = () => action.run(async () => {
    await patch(`/api/email-settings/mailboxes/${mailbox.id}`, { enabled: !mailbox.enabled });
    await onChange();
  });
  const sendReplies = () => action.run(async () => {
    await patch(`/api/email-settings/mailboxes/${mailbox.id}`, { send_replies: !mailbox.send_replies });
    await onChange();
  });
  const remove = () => action.run(async () => {
    await del(`/api/email-settings/mailboxes/${mailbox.id}`);
    await onChange();
  });
  return html`<div class="stack-sm mailbox" data-mailbox=${mailbox.id}>
    <h3>${mailbox.username || `${OAUTH_LABELS[mailbox.kind]} mailbox`} <span class="muted small">${oauth ? OAUTH_LABELS[mailbox.kind] : `${mailbox.host}:${mailbox.port}`}, folder ${mailbox.folder}</span> <${Badge} text=${label} kind=${kind} /></h3>
    <p class="small">${help}${mailbox.last_success_at ? html` Last read <${Time} value=${mailbox.last_success_at} />.` : null}${mailbox.backlog ? ` ${mailbox.backlog} waiting.` : ''}</p>
    ${mailbox.last_error && mailbox.state !== 'connected' ? html`<p class="small">Last error: ${mailbox.last_error}</p>` : null}
    ${oauth && (mailbox.state === 'needs_reauthorization' || mailbox.state === 'awaiting_authorization')
      ? html`<${BusyButton} class="button" busy=${action.busy} label=${`Reconnect at ${OAUTH_LABELS[mailbox.kind]}`} busyLabel="Opening the sign-in…" onClick=${signIn} />`
      : null}
    ${!oauth && mailbox.state === 'needs_reauthorization'
      ? html`<form class="inline-form" onSubmit=${reconnect}>
          <${Field} id=${`mailbox-${mailbox.id}-password`} label="Password">
            <input id=${`mailbox-${mailbox.id}-password`} type="password" autocomplete="new-password" value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} />
          <//>
          <${BusyButton} type="submit" busy=${action.busy} label="Reconnect" busyLabel="Saving…" />
        </form>`
      : null}
    ${oauth && mailbox.send_replies ? html`<p class="small">Replies to your customers leave through this mailbox (${OAUTH_LABELS[mailbox.kind]}), from ${mailbox.username}.</p>` : null}
    <div class="inline-form">
      <${BusyButton} class="button secondary small" busy=${action.busy} label=${mailbox.enabled ? 'Turn off' : 'Turn on'} onClick=${toggle} />
      ${oauth ? html`<${BusyButton} class="button secondary small" busy=${action.busy} label=${mailbox.send_replies ? 'Send replies through the SMTP settings' : 'Send replies through this mailbox'} onClick=${sendReplies} />` : null}
      <${BusyButton} class="button secondary small" busy=${action.busy} label="Remove" onClick=${remove} />
    </div>
    <${Notice} notice=${action.notice} />
  </div>`;
}

/** Opened on request: the page's other forms keep their labels ("Port", "Password") to themselves. */
function ConnectForm({ onConnected }) {
  const [open, setOpen] = useState(false);
  if (!open) return html`<button type="button" class="button secondary" onClick=${() => setOpen(true)}>Connect an IMAP mailbox…</button>`;
  return html`<${OpenConnectForm} onConnected=${onConnected} />`;
}

function OpenConnectForm({ onConnected }) {
  const [values, setValues] = useState(EMPTY);
  const action = useAction('The mailbox was not connected');
  const bind = (name) => ({ id: `mailbox-new-${name}`, name, value: values[name], onInput: (e) => setValues({ ...values, [name]: e.currentTarget.value }) });
  const connect = action.submit(async () => {
    const port = Number(values.port);
    if (!values.host.trim()) throw new InputProblem('Enter the IMAP server, e.g. imap.your-provider.example.', 'mailbox-new-host');
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InputProblem('The port must be a whole number between 1 and 65535.', 'mailbox-new-port');
    if (!values.username.trim() || !values.password) throw new InputProblem('Enter the user name and password of the mailbox.', 'mailbox-new-username');
    const body = { kind: 'imap', host: values.host.trim(), port, security: values.security, username: values.username.trim(), password: values.password, folder: values.folder.trim() || 'INBOX' };
    await post('/api/email-settings/mailboxes', body);
    setValues(EMPTY);
    await onConnected();
    return ok('Connected. Its state shows above within seconds.');
  });
  return html`<form class="stack-sm" novalidate onSubmit=${connect}>
    <h3>Connect a mailbox</h3>
    <div class="grid-2">
      <div>
        <${Field} id="mailbox-new-host" label="IMAP server"><input type="text" placeholder="imap.your-provider.example" autocomplete="off" spellcheck="false" ...${bind('host')} /><//>
        <${Field} id="mailbox-new-port" label="Port"><input type="number" min="1" max="65535" inputmode="numeric" ...${bind('port')} /><//>
        <${Field} id="mailbox-new-security" label="Security">
          <${Select} options=${SECURITY_OPTIONS} ...${bind('security')} onChange=${(e) => setValues({ ...values, security: e.currentTarget.value })} />
        <//>
      </div>
      <div>
        <${Field} id="mailbox-new-username" label="User name"><input type="text" autocomplete="off" spellcheck="false" ...${bind('username')} /><//>
        <${Field} id="mailbox-new-password" label="Password" hint="Stored encrypted, never shown again. Use an app password where the provider offers one.">
          <input type="password" autocomplete="new-password" aria-describedby="mailbox-new-password-hint" ...${bind('password')} />
        <//>
        <${Field} id="mailbox-new-folder" label="Folder"><input type="text" autocomplete="off" spellcheck="false" ...${bind('folder')} /><//>
      </div>
    </div>
    <${BusyButton} type="submit" busy=${action.busy} label="Connect mailbox" busyLabel="Connecting…" />
    <${Notice} notice=${action.notice} />
  </form>`;
}

/** On every page of a tenant admin: a line when one of the tenant's mailboxes is not read, linking to the settings. */
export function MailboxNotice({ visit }) {
  const [troubled, setTroubled] = useState([]);
  useEffect(() => {
    get('/api/email-settings/mailboxes').then((list) => setTroubled(mailboxesNeedingAttention(list)), () => undefined);
  }, [visit]);
  if (troubled.length === 0) return null;
  const reauth = troubled.some((m) => m.state === 'needs_reauthorization');
  return html`<div class="mailbox-notice"><${Alert} kind="error">
    ${troubled.length === 1 ? `The mailbox ${troubled[0].username} is not read` : `${troubled.length} of your mailboxes are not read`}${reauth ? ': it needs you to sign in again.' : '.'}${' '}
    <a href="#/settings">Open the e-mail settings</a>
  <//></div>`;
}
