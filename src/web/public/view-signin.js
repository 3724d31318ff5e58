import { html, useState } from './vendor/htm-preact.js';
import { ApiError, errorText, get, post, session } from './api.js';
import { BusyButton, Field, Notice } from './components.js';
import { failure, InputProblem, useAction, useTitle } from './hooks.js';

/**
 * Is this tab signed in already? A session cookie serves every tab of the browser: a new tab asks
 * once who it is, and learns the session's CSRF token. Null when not signed in.
 */
export async function resumeSession() {
  try {
    const me = await get('/api/me', { quiet: true });
    session.me = me;
    session.csrf = me.csrf_token ?? null;
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Ends the browser session on the server too (its cookie); a token is only forgotten by this tab. */
export async function endSession() {
  if (!session.token && session.csrf) await post('/api/auth/logout').catch(() => undefined);
  session.signOut();
}

/** The answer of login or set-password: the cookie is set; keep who we are and the CSRF token. */
export function acceptSignIn(me) {
  session.token = null;
  session.csrf = me.csrf_token;
  session.me = me;
}

export function SignInPage({ flash, onSignedIn }) {
  useTitle('Sign in');
  const [withToken, setWithToken] = useState(false);
  const ssoError = new URLSearchParams(location.hash.split('?')[1] ?? '').get('sso_error');
  return html`<section class="signin">
    <div class="panel">
      <h1>Sign in to Inbound</h1>
      <p class="muted">E-mail in, helpdesk tickets out.</p>
      ${flash}
      ${ssoError ? html`<div class="alert alert-error" role="alert"><strong>Single sign-on failed</strong>${ssoError}</div>` : null}
      ${withToken ? html`<${TokenForm} onSignedIn=${onSignedIn} />` : html`<${PasswordForm} onSignedIn=${onSignedIn} />`}
      <p class="small">
        <button type="button" class="button secondary small" onClick=${() => setWithToken(!withToken)}>
          ${withToken ? 'Use your e-mail address and password instead' : 'Use an API token instead'}
        </button>
      </p>
    </div>
    ${withToken
      ? html`<details class="panel small">
          <summary>Where do I get a token?</summary>
          <ul>
            <li>Platform admin: the <code>ADMIN_API_TOKEN</code> of the service, or the token printed in its log at the first start.</li>
            <li>Tenant admins and agents: a token created for you by the platform admin or your tenant admin. It is shown only once.</li>
          </ul>
        </details>`
      : null}
  </section>`;
}

function PasswordForm({ onSignedIn }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // Shown once the right password came back with "two_factor: required".
  const [askCode, setAskCode] = useState(false);
  const [code, setCode] = useState('');
  const action = useAction('Sign-in failed');
  const singleSignOn = () =>
    action.run(async () => {
      if (!email.trim()) throw new InputProblem('Enter your e-mail address: it says where your single sign-on is.', 'email');
      startSingleSignOn(email.trim());
    });

  const signIn = action.submit(async () => {
    if (!email.trim()) throw new InputProblem('Enter your e-mail address.', 'email');
    if (!password) throw new InputProblem('Enter your password.', 'password');
    if (askCode && !code.trim()) throw new InputProblem('Enter the code of your authenticator app.', 'code');
    let me;
    try {
      me = await post('/api/auth/login', { email: email.trim(), password, ...(askCode ? { code: code.trim() } : {}) }, { quiet: true });
    } catch (error) {
      const secondFactor = error instanceof ApiError && error.details?.two_factor === 'required';
      if (secondFactor) {
        setAskCode(true);
        setCode('');
        setTimeout(() => document.getElementById('code')?.focus());
        return askCode ? failure(`${error.message}.`, 'Sign-in failed') : { kind: 'info', text: `${error.message}.` };
      }
      document.getElementById('password')?.select();
      return failure(error instanceof ApiError && error.status === 401 ? `${error.message}.` : errorText(error), 'Sign-in failed');
    }
    acceptSignIn(me);
    onSignedIn(me);
  });

  return html`<${Notice} notice=${action.notice} />
    <form novalidate onSubmit=${signIn}>
      <${Field} id="email" label="E-mail address">
        <input id="email" type="email" name="email" autocomplete="username" spellcheck="false" required
          value=${email} onInput=${(e) => setEmail(e.currentTarget.value)} />
      <//>
      <${Field} id="password" label="Password">
        <input id="password" type="password" name="password" autocomplete="current-password" required
          value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} />
      <//>
      ${askCode
        ? html`<${Field} id="code" label="Authentication code" hint="The 6 digits your authenticator app shows now, or one of your recovery codes.">
            <input id="code" name="code" autocomplete="one-time-code" inputmode="text" spellcheck="false" required aria-describedby="code-hint"
              value=${code} onInput=${(e) => setCode(e.currentTarget.value)} />
          <//>`
        : null}
      <div class="button-row">
        <${BusyButton} type="submit" busy=${action.busy} label="Sign in" busyLabel="Signing in…" />
        <button type="button" class="button secondary" onClick=${singleSignOn}>Use single sign-on (SSO)</button>
        <a class="small" href="#/forgot-password">Forgot your password?</a>
      </div>
    </form>`;
}

/** Single sign-on leaves the page: the service sends the browser to the tenant's provider and back. */
function startSingleSignOn(email) {
  const next = new URLSearchParams(location.hash.split('?')[1] ?? '').get('next') ?? '/';
  location.assign(`/api/auth/sso/start?${new URLSearchParams({ email, next })}`);
}

function TokenForm({ onSignedIn }) {
  const [token, setToken] = useState('');
  const action = useAction('Sign-in failed');

  const signIn = action.submit(async () => {
    const value = token.trim();
    if (!value) throw new InputProblem('Enter your API token.', 'token');
    let me;
    try {
      me = await get('/api/me', { token: value });
    } catch (error) {
      document.getElementById('token')?.select();
      const refused = error instanceof ApiError && error.status === 401;
      return failure(refused ? `That token was not accepted: ${error.message}.` : errorText(error), 'Sign-in failed');
    }
    session.token = value;
    session.csrf = null;
    onSignedIn(me);
  });

  return html`<${Notice} notice=${action.notice} />
    <form novalidate onSubmit=${signIn}>
      <${Field} id="token" label="API token" hint="Your token stays in this browser tab only and is forgotten when you sign out or close the tab.">
        <input id="token" type="password" name="token" autocomplete="off" spellcheck="false" required
          placeholder="inb_… or the platform admin token" aria-describedby="token-hint"
          value=${token} onInput=${(e) => setToken(e.currentTarget.value)} />
      <//>
      <div class="button-row"><${BusyButton} type="submit" busy=${action.busy} label="Sign in" busyLabel="Signing in…" /></div>
    </form>`;
}
