import { html, useState } from './vendor/htm-preact.js';
import { ApiError, errorText, get, session } from './api.js';
import { BusyButton, Field, Notice } from './components.js';
import { failure, InputProblem, useAction, useTitle } from './hooks.js';

export function SignInPage({ flash, onSignedIn }) {
  useTitle('Sign in');
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
    onSignedIn(me);
  });

  return html`<section class="signin">
    <div class="panel">
      <h1>Sign in to Inbound</h1>
      <p class="muted">E-mail in, helpdesk tickets out.</p>
      ${flash}
      <${Notice} notice=${action.notice} />
      <form novalidate onSubmit=${signIn}>
        <${Field} id="token" label="API token" hint="Your token stays in this browser tab only and is forgotten when you sign out or close the tab.">
          <input id="token" type="password" name="token" autocomplete="off" spellcheck="false" required
            placeholder="inb_… or the platform admin token" aria-describedby="token-hint"
            value=${token} onInput=${(e) => setToken(e.currentTarget.value)} />
        <//>
        <div class="button-row"><${BusyButton} type="submit" busy=${action.busy} label="Sign in" busyLabel="Signing in…" /></div>
      </form>
    </div>
    <details class="panel small">
      <summary>Where do I get a token?</summary>
      <ul>
        <li>Platform admin: the <code>ADMIN_API_TOKEN</code> of the service, or the token printed in its log at the first start.</li>
        <li>Tenant admins and agents: a token created for you by the platform admin or your tenant admin. It is shown only once.</li>
      </ul>
    </details>
  </section>`;
}
