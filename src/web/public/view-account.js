// The signed-in person's own page: the second factor, sessions, and (tenant admins) the tenant's 2FA rule.
import { html, useState } from './vendor/htm-preact.js';
import { del, get, post, put } from './api.js';
import { BusyButton, Field, Notice, TableHead, Time } from './components.js';
import { info, InputProblem, ok, useAction, useLoad, useTitle } from './hooks.js';

export function AccountPage({ me, go, refresh }) {
  useTitle('Your account');
  const person = me.user ?? me.operator;
  if (!person) {
    return html`<section><h1>Your account</h1>
      <p>You signed in with an API token, which belongs to no person. Sign in with your e-mail address to manage a second factor and sessions.</p></section>`;
  }
  return html`<section>
    <div class="page-head"><h1>Your account</h1><span class="muted">${person.name} · ${person.email}</span></div>
    ${me.two_factor_setup_required
      ? html`<div class="alert alert-error" role="alert"><strong>Two-factor sign-in required</strong>Your tenant requires a second factor: set it up below to go on.</div>`
      : null}
    <div class="grid-2">
      <${TwoFactorPanel} onChanged=${() => {
        if (!me.two_factor_setup_required) return refresh();
        // Set up now: the rest of the UI opens (the cached "who am I" learns it too).
        me.two_factor_setup_required = false;
        go('#/');
      }} />
      ${me.kind === 'tenant' && me.role === 'tenant_admin' ? html`<${TenantRulePanel} tenantId=${me.tenant_id} />` : null}
    </div>
    <${SessionsPanel} go=${go} />
  </section>`;
}

function TwoFactorPanel({ onChanged }) {
  const { data: status, fallback, reload } = useLoad(() => get('/api/auth/two-factor'));
  const [setup, setSetup] = useState(null);
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState(null);
  const action = useAction('Two-factor sign-in was not changed');
  if (fallback) return html`<section class="panel">${fallback}</section>`;

  const start = () => action.run(async () => setSetup(await post('/api/auth/two-factor/setup')));
  const enable = action.submit(async () => {
    if (!/^\d{6}$/.test(code.trim())) throw new InputProblem('Enter the 6 digits your app shows.', 'totp-code');
    const answer = await post('/api/auth/two-factor/enable', { code: code.trim() });
    setRecoveryCodes(answer.recovery_codes);
    setSetup(null);
    setCode('');
    await reload({ quiet: true });
    return ok('Two-factor sign-in is on. Keep the recovery codes somewhere safe: each works once, and they are shown only now.');
  });
  const disable = action.submit(async () => {
    if (!code.trim()) throw new InputProblem('Enter a current code or a recovery code.', 'totp-code');
    await post('/api/auth/two-factor/disable', { code: code.trim() });
    setCode('');
    await reload({ quiet: true });
    onChanged();
    return info('Two-factor sign-in is off.');
  });

  const codeField = html`<${Field} id="totp-code" label="Code from your authenticator app">
    <input id="totp-code" autocomplete="one-time-code" spellcheck="false" value=${code} onInput=${(e) => setCode(e.currentTarget.value)} />
  <//>`;
  return html`<section class="panel" aria-labelledby="two-factor-heading">
    <h2 id="two-factor-heading">Two-factor sign-in</h2>
    <${Notice} notice=${action.notice} />
    ${recoveryCodes
      ? html`<div><p>Your recovery codes:</p><ul class="recovery-codes">${recoveryCodes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
          <button type="button" class="button small" onClick=${() => { setRecoveryCodes(null); onChanged(); }}>I have saved them</button></div>`
      : status.enabled
        ? html`<p>On. ${status.recovery_codes_left} recovery codes left.${status.required ? ' Your tenant requires it.' : ''}</p>
            ${status.required ? null : html`<form novalidate onSubmit=${disable}>${codeField}<div class="button-row"><${BusyButton} type="submit" busy=${action.busy} class="button secondary" label="Turn off" /></div></form>`}`
        : setup
          ? html`<p>Add this key to your authenticator app (or open the link on your phone), then enter the code it shows.</p>
              <p><code id="totp-secret">${setup.secret}</code></p>
              <p class="small"><a href=${setup.otpauth_url}>Open in the authenticator app</a></p>
              <form novalidate onSubmit=${enable}>${codeField}<div class="button-row"><${BusyButton} type="submit" busy=${action.busy} label="Turn on" /></div></form>`
          : html`<p>Off. With it, signing in also needs a code from an app such as Aegis, Google Authenticator or 1Password.</p>
              <div class="button-row"><${BusyButton} busy=${action.busy} label="Set up two-factor sign-in" onClick=${start} /></div>`}
  </section>`;
}

function TenantRulePanel({ tenantId }) {
  const path = `/api/tenants/${tenantId}/two-factor-policy`;
  const { data, fallback, setData } = useLoad(() => get(path));
  const action = useAction('The rule was not changed');
  if (fallback) return html`<section class="panel">${fallback}</section>`;
  const toggle = () =>
    action.run(async () => {
      const answer = await put(path, { required: !data.require_two_factor });
      setData(answer);
      return ok(answer.require_two_factor ? 'Everyone of your team must now sign in with a second factor.' : 'A second factor is optional again.');
    });
  return html`<section class="panel" aria-labelledby="rule-heading">
    <h2 id="rule-heading">Your team</h2>
    <${Notice} notice=${action.notice} />
    <p>Two-factor sign-in is <strong>${data.require_two_factor ? 'required' : 'optional'}</strong> for everyone in your tenant.</p>
    <${BusyButton} busy=${action.busy} class="button secondary" label=${data.require_two_factor ? 'Make it optional' : 'Require it for everyone'} onClick=${toggle} />
  </section>`;
}

function SessionsPanel({ go }) {
  const { data, fallback, reload } = useLoad(() => get('/api/auth/sessions'));
  const action = useAction('The session was not ended');
  if (fallback) return html`<section class="panel">${fallback}</section>`;
  const end = (id) =>
    action.run(async () => {
      await del(`/api/auth/sessions/${id}`);
      await reload({ quiet: true });
      return ok('That session has ended.');
    });
  const everywhere = () =>
    action.run(async () => {
      await post('/api/auth/logout-everywhere');
      go('#/signin');
    });
  return html`<section class="panel" aria-labelledby="sessions-heading">
    <h2 id="sessions-heading">Where you are signed in</h2>
    <${Notice} notice=${action.notice} />
    <table class="table">
      <${TableHead} columns=${['Browser', 'Address', 'Signed in', 'Last seen', '']} />
      <tbody>${data.data.map((s) => html`<tr>
        <td>${s.user_agent ?? 'unknown'}${s.current ? html` <strong>(this one)</strong>` : null}</td>
        <td>${s.ip ?? ''}</td><td><${Time} value=${s.created_at} /></td><td><${Time} value=${s.last_seen_at} /></td>
        <td>${s.current ? null : html`<button type="button" class="button secondary small" onClick=${() => end(s.id)}>End</button>`}</td>
      </tr>`)}</tbody>
    </table>
    <div class="button-row"><${BusyButton} busy=${action.busy} class="button secondary" label="Sign out everywhere" onClick=${everywhere} /></div>
  </section>`;
}
