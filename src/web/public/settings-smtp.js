import { html, useState } from './vendor/htm-preact.js';
import { post, put } from './api.js';
import { Alert, BusyButton, Field, Notice, Select } from './components.js';
import { info, InputProblem, ok, useAction } from './hooks.js';

const SECURITY_OPTIONS = [
  ['starttls', 'STARTTLS (usually port 587)'],
  ['tls', 'TLS from the start (usually port 465)'],
  ['none', 'None: plain text (local relays only)'],
];

const STAGE_HELP = {
  policy: 'The helpdesk does not connect there: use your provider\'s public SMTP server on port 25, 465, 587 or 2525 with TLS. Internal servers must be allowed by the platform operator.',
  dns: 'The server name could not be resolved. Check the host name.',
  connection: 'No connection could be made. Check host, port and firewall.',
  tls: 'The encrypted connection failed. Check the security mode and port, and the server certificate.',
  auth: 'The server refused the login. Check user name and password.',
  send: 'The server refused the message. Check the from address and what the server allows.',
};

/** The form's text fields as the API names them; empty means null. */
const TEXT_FIELDS = ['smtp_host', 'smtp_username', 'from_address', 'from_name'];

function formValues(settings) {
  const values = { smtp_port: settings.smtp_port === null ? '' : String(settings.smtp_port), smtp_security: settings.smtp_security, smtp_password: '', clear_password: false };
  for (const name of TEXT_FIELDS) values[name] = settings[name] ?? '';
  return values;
}

export function SmtpPanel({ initial }) {
  const [passwordSet, setPasswordSet] = useState(initial.smtp_password_set);
  const [values, setValues] = useState(() => formValues(initial));
  const action = useAction('The SMTP settings were not saved');
  const bind = (name) => ({ id: `smtp-${name}`, name, value: values[name], onInput: (e) => setValues({ ...values, [name]: e.currentTarget.value }) });

  const save = action.submit(async () => {
    const port = values.smtp_port.trim();
    const body = { smtp_security: values.smtp_security, smtp_port: port ? Number(port) : null };
    for (const name of TEXT_FIELDS) body[name] = values[name].trim() || null;
    if (port && !Number.isInteger(body.smtp_port)) throw new InputProblem('The port must be a whole number between 1 and 65535.', 'smtp-smtp_port');
    if (values.smtp_password) body.smtp_password = values.smtp_password;
    else if (values.clear_password) body.smtp_password = null;
    const settings = await put('/api/email-settings', body);
    setPasswordSet(settings.smtp_password_set);
    setValues({ ...values, smtp_password: '', clear_password: false });
    return ok('SMTP settings saved. Run a test to check them.');
  });

  return html`<section class="panel" aria-labelledby="smtp-heading">
    <h2 id="smtp-heading">Outgoing mail (SMTP)</h2>
    <p class="muted small">Replies and acknowledgements leave through your own SMTP server, so they carry your brand and reach the customer's inbox. Save before testing: the test uses the stored settings.</p>
    <form novalidate onSubmit=${save}>
      <div class="grid-2">
        <div>
          <${Field} id="smtp-smtp_host" label="SMTP server"><input type="text" placeholder="smtp.example.com" autocomplete="off" spellcheck="false" ...${bind('smtp_host')} /><//>
          <${Field} id="smtp-smtp_port" label="Port" hint="Empty: 465 for TLS, 587 otherwise.">
            <input type="number" min="1" max="65535" placeholder="587" inputmode="numeric" aria-describedby="smtp-smtp_port-hint" ...${bind('smtp_port')} />
          <//>
          <${Field} id="smtp-smtp_security" label="Security">
            <${Select} options=${SECURITY_OPTIONS} ...${bind('smtp_security')} onChange=${(e) => setValues({ ...values, smtp_security: e.currentTarget.value })} />
          <//>
        </div>
        <div>
          <${Field} id="smtp-smtp_username" label="User name"><input type="text" autocomplete="off" spellcheck="false" ...${bind('smtp_username')} /><//>
          <${Field} id="smtp-smtp_password" label="Password">
            <input type="password" autocomplete="new-password" placeholder=${passwordSet ? '•••••••• (stored; leave empty to keep)' : 'not set'} ...${bind('smtp_password')} />
          <//>
          <div class="hint field-note">${passwordSet ? 'A password is stored (encrypted). It is never shown again.' : 'No password is stored.'}</div>
          <div class="field checkbox" hidden=${!passwordSet}>
            <input id="clear-password" type="checkbox" name="clear_password" checked=${values.clear_password}
              onChange=${(e) => setValues({ ...values, clear_password: e.currentTarget.checked })} />
            <label for="clear-password">Remove the stored password</label>
          </div>
        </div>
      </div>
      <div class="grid-2">
        <div><${Field} id="smtp-from_address" label="From address" hint="Replies are sent from this address.">
          <input type="email" placeholder="support@your-company.example" autocomplete="off" aria-describedby="smtp-from_address-hint" ...${bind('from_address')} />
        <//></div>
        <div><${Field} id="smtp-from_name" label="From name"><input type="text" placeholder="Acme Support" autocomplete="off" ...${bind('from_name')} /><//></div>
      </div>
      <div class="button-row"><${BusyButton} type="submit" busy=${action.busy} label="Save SMTP settings" busyLabel="Saving…" /></div>
      <${Notice} notice=${action.notice} />
    </form>
    <${SmtpTest} />
  </section>`;
}

function SmtpTest() {
  const [sendTo, setSendTo] = useState('');
  const [result, setResult] = useState(null);
  const action = useAction('The test could not run');

  const test = async (to) => {
    setResult(null);
    action.setNotice(info(to ? `Sending a test message to ${to}…` : 'Connecting…'));
    setResult(await post('/api/email-settings/smtp-test', to ? { send_to: to } : {}));
    return null;
  };
  const send = action.submit(async () => {
    setResult(null);
    const to = sendTo.trim();
    if (!to) throw new InputProblem('Enter the address the test message should go to.', 'smtp-send-to');
    return test(to);
  });

  return html`<h3>Test</h3>
    <div class="button-row">
      <${BusyButton} class="button secondary" busy=${action.busy} label="Test connection" busyLabel="Testing…" onClick=${() => action.run(() => test(null))} />
      <span class="small muted">Connects and logs in, sends nothing.</span>
    </div>
    <form class="inline-form" novalidate onSubmit=${send}>
      <${Field} id="smtp-send-to" label="Send a test message to" class="wide">
        <input id="smtp-send-to" type="email" name="send_to" placeholder="you@your-company.example" autocomplete="email"
          value=${sendTo} onInput=${(e) => setSendTo(e.currentTarget.value)} />
      <//>
      <${BusyButton} type="submit" class="button secondary" busy=${action.busy} label="Send test message" busyLabel="Testing…" />
    </form>
    <div aria-live="polite" id="smtp-test-result">
      ${result ? html`<${SmtpResult} result=${result} />` : html`<${Notice} notice=${action.notice} />`}
    </div>`;
}

function SmtpResult({ result }) {
  const where = `${result.host}:${result.port} (${result.security}${result.via === 'development_relay' ? ', development relay' : ''})`;
  if (result.ok) {
    const title = result.sent_to ? `Test message sent to ${result.sent_to}` : 'Connection works';
    const login = result.authenticated ? 'our login' : 'the connection (no login configured)';
    return html`<${Alert} kind="ok" title=${title}>
      ${`${where} accepted ${login} in ${result.duration_ms} ms.`}${result.smtp_response ? ` Server said: ${result.smtp_response}` : ''}
    <//>`;
  }
  return html`<${Alert} kind="error" title=${`Failed at the ${result.stage} stage`}>
    ${`${where}: ${result.error}${result.smtp_code ? ` (SMTP ${result.smtp_code})` : ''}. `}${STAGE_HELP[result.stage] ?? ''}
  <//>`;
}
