// The pages a mailed link opens, and the one that mails it: no sign-in needed.
import { html, useState } from './vendor/htm-preact.js';
import { post } from './api.js';
import { BusyButton, Field, Notice } from './components.js';
import { info, InputProblem, useAction, useTitle } from './hooks.js';
import { acceptSignIn } from './view-signin.js';

const MIN_LENGTH = 10;

function ForgotPasswordPage() {
  useTitle('Forgot your password');
  const [email, setEmail] = useState('');
  const action = useAction('The request failed');
  const send = action.submit(async () => {
    if (!email.trim()) throw new InputProblem('Enter your e-mail address.', 'email');
    const answer = await post('/api/auth/password-reset', { email: email.trim() }, { quiet: true });
    return info(`${answer.message}.`);
  });
  return html`<section class="signin"><div class="panel">
    <h1>Forgot your password</h1>
    <p class="muted">We mail you a link to choose a new one. It works for an hour.</p>
    <${Notice} notice=${action.notice} />
    <form novalidate onSubmit=${send}>
      <${Field} id="email" label="E-mail address">
        <input id="email" type="email" autocomplete="username" required value=${email} onInput=${(e) => setEmail(e.currentTarget.value)} />
      <//>
      <div class="button-row">
        <${BusyButton} type="submit" busy=${action.busy} label="Mail me a link" busyLabel="Sending…" />
        <a class="small" href="#/signin">Back to sign-in</a>
      </div>
    </form>
  </div></section>`;
}

/** An invitation's "welcome" and a reset link's page: choose a password, then signed in. */
function SetPasswordPage({ query, onSignedIn, welcome }) {
  useTitle(welcome ? 'Welcome' : 'Choose a new password');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const action = useAction('The password was not set');
  const token = query.get('token') ?? '';
  const save = action.submit(async () => {
    if ([...password].length < MIN_LENGTH) throw new InputProblem(`Choose a password of at least ${MIN_LENGTH} characters.`, 'new-password');
    if (password !== again) throw new InputProblem('The two passwords differ.', 'new-password-again');
    const me = await post('/api/auth/set-password', { token, password }, { quiet: true });
    acceptSignIn(me);
    onSignedIn(me);
  });
  return html`<section class="signin"><div class="panel">
    <h1>${welcome ? 'Welcome to Inbound' : 'Choose a new password'}</h1>
    <p class="muted">${welcome ? 'Choose the password you will sign in with.' : 'Your other sessions end when you save it.'}</p>
    <${Notice} notice=${action.notice} />
    <form novalidate onSubmit=${save}>
      <${Field} id="new-password" label="New password" hint=${`At least ${MIN_LENGTH} characters; a few words are easy to remember and hard to guess.`}>
        <input id="new-password" type="password" autocomplete="new-password" required aria-describedby="new-password-hint"
          value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} />
      <//>
      <${Field} id="new-password-again" label="The same password again">
        <input id="new-password-again" type="password" autocomplete="new-password" required value=${again} onInput=${(e) => setAgain(e.currentTarget.value)} />
      <//>
      <div class="button-row"><${BusyButton} type="submit" busy=${action.busy} label="Save and sign in" busyLabel="Saving…" /></div>
    </form>
  </div></section>`;
}

/** Hash paths served whether or not the tab is signed in. */
export const PUBLIC_PAGES = {
  '/forgot-password': ForgotPasswordPage,
  '/welcome': (props) => html`<${SetPasswordPage} ...${props} welcome=${true} />`,
  '/reset-password': (props) => html`<${SetPasswordPage} ...${props} welcome=${false} />`,
};
