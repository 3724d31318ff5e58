import { ApiError, get, post, put, query } from './api.js';
import { alertBox, badge, busy, field, formatDate, h, select } from './dom.js';

const SECURITY_OPTIONS = [
  ['starttls', 'STARTTLS (usually port 587)'],
  ['tls', 'TLS from the start (usually port 465)'],
  ['none', 'None: plain text (local relays only)'],
];

export async function settingsView(ctx) {
  const tenantId = ctx.me.tenant_id;
  const [settings, dns] = await Promise.all([
    get('/api/email-settings'),
    // The DNS guide is a help, not the page: without it the static hint below still shows.
    get(`/api/tenants/${tenantId}/dns-records`).catch((error) => ({ unavailable: error })),
  ]);
  const node = h(
    'section',
    null,
    h('div', { class: 'page-head' }, h('h1', null, 'E-mail settings'), h('span', { class: 'muted small' }, `Last changed ${formatDate(settings.updated_at)}`)),
    inboundPanel(settings, (next) => {
      if (ctx.me.tenant) ctx.me.tenant.inbound_email_address = next.inbound_email_address;
    }),
    smtpPanel(settings),
    acknowledgementPanel(settings),
    domainsPanel(tenantId, dns),
  );
  return { node, title: 'E-mail settings' };
}

function errorText(error) {
  return error instanceof ApiError ? error.readable : String(error?.message ?? error);
}

function inboundPanel(settings, onChange) {
  const address = h('code', { class: 'address', id: 'inbound-address' }, settings.inbound_email_address);
  const copyStatus = h('span', { class: 'small muted', 'aria-live': 'polite' });
  const copy = h(
    'button',
    {
      type: 'button',
      class: 'button secondary small',
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(address.textContent);
          copyStatus.textContent = 'Copied to the clipboard.';
        } catch {
          // Clipboard access needs a secure context or permission; selecting lets the user copy by hand.
          const range = document.createRange();
          range.selectNodeContents(address);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          copyStatus.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
        }
      },
    },
    'Copy address',
  );

  const [localPart] = settings.inbound_email_address.split('@');
  const localInput = h('input', { type: 'text', name: 'inbound_email_local_part', value: localPart, autocomplete: 'off', spellcheck: 'false', maxlength: '64' });
  localInput.id = 'local-part';
  const status = h('div', { 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'button secondary' }, 'Change address');
  const form = h(
    'form',
    {
      class: 'inline-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const value = localInput.value.trim().toLowerCase();
        if (value === settings.inbound_email_address.split('@')[0]) {
          status.replaceChildren(alertBox('info', null, 'That is already the address.'));
          return;
        }
        await busy(save, async () => {
          try {
            const next = await put('/api/email-settings', { inbound_email_local_part: value });
            settings = next;
            address.textContent = next.inbound_email_address;
            localInput.value = next.inbound_email_address.split('@')[0];
            onChange(next);
            status.replaceChildren(alertBox('ok', null, `The inbound address is now ${next.inbound_email_address}. Mail to the old address is no longer taken.`));
          } catch (error) {
            status.replaceChildren(alertBox('error', 'The address was not changed', errorText(error)));
          }
        }, 'Saving…');
      },
    },
    h(
      'div',
      { class: 'field wide' },
      h('label', { for: 'local-part' }, 'Local part (before the @)'),
      h('div', { class: 'with-suffix' }, localInput, h('span', { class: 'suffix' }, `@${settings.inbound_email_domain}`)),
    ),
    save,
  );

  const domain = settings.inbound_email_domain;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'inbound-heading' },
    h('h2', { id: 'inbound-heading' }, 'Inbound address'),
    h('p', null, 'Customers write to this address; every message becomes a ticket or joins the ticket it answers.'),
    h('div', { class: 'button-row' }, address, copy, copyStatus),
    h(
      'p',
      { class: 'small muted' },
      settings.use_docker_mail_server
        ? `Mail for ${domain} is received by the shared Mailu server${settings.docker_mail_configured_at ? ` (set up ${formatDate(settings.docker_mail_configured_at)})` : ''}.`
        : `The shared Mailu server is switched off for this tenant: mail must reach the service by IMAP or Maildir.`,
    ),
    form,
    status,
    h(
      'details',
      { class: 'small' },
      h('summary', null, 'Using an address of your own domain (DNS and Mailu)'),
      h(
        'ol',
        null,
        h('li', null, 'Simplest: forward your support mailbox (e.g. support@your-company.example) to ', h('code', null, settings.inbound_email_address), '. Nothing else to set up.'),
        h('li', null, 'Or receive directly: ask your platform operator to add your domain in Mailu and to alias it to this tenant, then publish an ', h('code', null, 'MX'), ` record for your domain (or a subdomain dedicated to the helpdesk) that points to the mail server of ${domain}.`),
        h('li', null, 'For replies sent as your domain: set your SMTP server below, and publish ', h('code', null, 'SPF'), ' (include your SMTP provider), ', h('code', null, 'DKIM'), ' and ', h('code', null, 'DMARC'), ' records so that receivers trust them.'),
      ),
    ),
  );
}

function smtpPanel(settings) {
  const host = h('input', { type: 'text', name: 'smtp_host', value: settings.smtp_host ?? '', placeholder: 'smtp.example.com', autocomplete: 'off', spellcheck: 'false' });
  const port = h('input', { type: 'number', name: 'smtp_port', value: settings.smtp_port === null ? '' : String(settings.smtp_port), min: '1', max: '65535', placeholder: '587', inputmode: 'numeric' });
  const security = select('smtp_security', SECURITY_OPTIONS, settings.smtp_security);
  const username = h('input', { type: 'text', name: 'smtp_username', value: settings.smtp_username ?? '', autocomplete: 'off', spellcheck: 'false' });
  const password = h('input', { type: 'password', name: 'smtp_password', autocomplete: 'new-password', placeholder: settings.smtp_password_set ? '•••••••• (stored; leave empty to keep)' : 'not set' });
  const clearPassword = h('input', { type: 'checkbox', name: 'clear_password' });
  clearPassword.id = 'clear-password';
  const fromAddress = h('input', { type: 'email', name: 'from_address', value: settings.from_address ?? '', placeholder: 'support@your-company.example', autocomplete: 'off' });
  const fromName = h('input', { type: 'text', name: 'from_name', value: settings.from_name ?? '', placeholder: 'Acme Support', autocomplete: 'off' });
  const passwordState = h('div', { class: 'hint field-note' });
  const drawPasswordState = () => {
    passwordState.textContent = settings.smtp_password_set ? 'A password is stored (encrypted). It is never shown again.' : 'No password is stored.';
    clearPassword.closest?.('.checkbox')?.toggleAttribute('hidden', !settings.smtp_password_set);
  };

  const saveStatus = h('div', { 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'button' }, 'Save SMTP settings');
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        const portText = port.value.trim();
        const body = {
          smtp_host: host.value.trim() || null,
          smtp_port: portText ? Number(portText) : null,
          smtp_security: security.value,
          smtp_username: username.value.trim() || null,
          from_address: fromAddress.value.trim() || null,
          from_name: fromName.value.trim() || null,
        };
        if (portText && !Number.isInteger(body.smtp_port)) {
          saveStatus.replaceChildren(alertBox('error', null, 'The port must be a whole number between 1 and 65535.'));
          port.focus();
          return;
        }
        if (password.value) body.smtp_password = password.value;
        else if (clearPassword.checked) body.smtp_password = null;
        await busy(save, async () => {
          try {
            settings = await put('/api/email-settings', body);
            password.value = '';
            clearPassword.checked = false;
            password.placeholder = settings.smtp_password_set ? '•••••••• (stored; leave empty to keep)' : 'not set';
            drawPasswordState();
            saveStatus.replaceChildren(alertBox('ok', null, 'SMTP settings saved. Run a test to check them.'));
          } catch (error) {
            saveStatus.replaceChildren(alertBox('error', 'The SMTP settings were not saved', errorText(error)));
          }
        }, 'Saving…');
      },
    },
    h(
      'div',
      { class: 'grid-2' },
      h('div', null, field('SMTP server', host), field('Port', port, 'Empty: 465 for TLS, 587 otherwise.'), field('Security', security)),
      h(
        'div',
        null,
        field('User name', username),
        field('Password', password),
        passwordState,
        h('div', { class: 'field checkbox', hidden: !settings.smtp_password_set }, clearPassword, h('label', { for: 'clear-password' }, 'Remove the stored password')),
      ),
    ),
    h('div', { class: 'grid-2' }, h('div', null, field('From address', fromAddress, 'Replies are sent from this address.')), h('div', null, field('From name', fromName))),
    h('div', { class: 'button-row' }, save),
    saveStatus,
  );
  drawPasswordState();

  const testResult = h('div', { 'aria-live': 'polite', id: 'smtp-test-result' });
  const sendTo = h('input', { type: 'email', name: 'send_to', placeholder: 'you@your-company.example', autocomplete: 'email' });
  const testButton = h('button', { type: 'button', class: 'button secondary' }, 'Test connection');
  const sendButton = h('button', { type: 'submit', class: 'button secondary' }, 'Send test message');
  const runTest = (button, to) =>
    busy(button, async () => {
      testResult.replaceChildren(alertBox('info', null, to ? `Sending a test message to ${to}…` : 'Connecting…'));
      try {
        const result = await post('/api/email-settings/smtp-test', to ? { send_to: to } : {});
        testResult.replaceChildren(smtpResult(result));
      } catch (error) {
        testResult.replaceChildren(alertBox('error', 'The test could not run', errorText(error)));
      }
    }, 'Testing…');
  testButton.addEventListener('click', () => runTest(testButton, null));

  const testForm = h(
    'form',
    {
      class: 'inline-form',
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        const to = sendTo.value.trim();
        if (!to) {
          testResult.replaceChildren(alertBox('error', null, 'Enter the address the test message should go to.'));
          sendTo.focus();
          return;
        }
        void runTest(sendButton, to);
      },
    },
    field('Send a test message to', sendTo, null, 'wide'),
    sendButton,
  );

  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'smtp-heading' },
    h('h2', { id: 'smtp-heading' }, 'Outgoing mail (SMTP)'),
    h('p', { class: 'muted small' }, 'Replies and acknowledgements leave through your own SMTP server, so they carry your brand and reach the customer\'s inbox. Save before testing: the test uses the stored settings.'),
    form,
    h('h3', null, 'Test'),
    h('div', { class: 'button-row' }, testButton, h('span', { class: 'small muted' }, 'Connects and logs in, sends nothing.')),
    testForm,
    testResult,
  );
}

const STAGE_HELP = {
  policy: 'The helpdesk does not connect there: use your provider\'s public SMTP server on port 25, 465, 587 or 2525 with TLS. Internal servers must be allowed by the platform operator.',
  dns: 'The server name could not be resolved. Check the host name.',
  connection: 'No connection could be made. Check host, port and firewall.',
  tls: 'The encrypted connection failed. Check the security mode and port, and the server certificate.',
  auth: 'The server refused the login. Check user name and password.',
  send: 'The server refused the message. Check the from address and what the server allows.',
};

function smtpResult(result) {
  const where = `${result.host}:${result.port} (${result.security}${result.via === 'development_relay' ? ', development relay' : ''})`;
  if (result.ok) {
    const title = result.sent_to ? `Test message sent to ${result.sent_to}` : 'Connection works';
    return alertBox(
      'ok',
      title,
      h(
        'span',
        null,
        `${where} accepted ${result.authenticated ? 'our login' : 'the connection (no login configured)'} in ${result.duration_ms} ms.`,
        result.smtp_response ? ` Server said: ${result.smtp_response}` : '',
      ),
    );
  }
  return alertBox(
    'error',
    `Failed at the ${result.stage} stage`,
    h(
      'span',
      null,
      `${where}: ${result.error}${result.smtp_code ? ` (SMTP ${result.smtp_code})` : ''}. `,
      STAGE_HELP[result.stage] ?? '',
    ),
  );
}

function acknowledgementPanel(settings) {
  const toggle = h('input', { type: 'checkbox', name: 'auto_acknowledge', role: 'switch', checked: settings.auto_acknowledge });
  toggle.id = 'auto-acknowledge';
  const template = h('textarea', { name: 'auto_acknowledge_template', rows: '5', placeholder: 'Empty: the default text' });
  template.value = settings.auto_acknowledge_template ?? '';
  const status = h('div', { 'aria-live': 'polite' });
  const describe = (on) => (on ? 'Auto-acknowledgement is on: new tickets get an automatic confirmation.' : 'Auto-acknowledgement is off.');

  toggle.addEventListener('change', async () => {
    const wanted = toggle.checked;
    toggle.disabled = true;
    try {
      const next = await put('/api/email-settings', { auto_acknowledge: wanted });
      toggle.checked = next.auto_acknowledge;
      status.replaceChildren(alertBox('ok', null, describe(next.auto_acknowledge)));
    } catch (error) {
      toggle.checked = !wanted;
      status.replaceChildren(alertBox('error', 'Not changed', errorText(error)));
    } finally {
      toggle.disabled = false;
    }
  });

  const save = h('button', { type: 'submit', class: 'button secondary' }, 'Save text');
  const form = h(
    'form',
    {
      onsubmit: async (event) => {
        event.preventDefault();
        await busy(save, async () => {
          try {
            const next = await put('/api/email-settings', { auto_acknowledge_template: template.value.trim() ? template.value : null });
            template.value = next.auto_acknowledge_template ?? '';
            status.replaceChildren(alertBox('ok', null, 'Acknowledgement text saved.'));
          } catch (error) {
            status.replaceChildren(alertBox('error', 'The text was not saved', errorText(error)));
          }
        }, 'Saving…');
      },
    },
    field('Acknowledgement text', template, 'Placeholders: {{ticket_number}}, {{subject}}, {{requester_name}}.'),
    h('div', { class: 'button-row' }, save),
  );

  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'ack-heading' },
    h('h2', { id: 'ack-heading' }, 'Auto-acknowledgement'),
    h('div', { class: 'field checkbox' }, toggle, h('label', { for: 'auto-acknowledge' }, 'Confirm new tickets to the customer automatically')),
    h(
      'p',
      { class: 'small muted' },
      'Never sent to auto-replies, mailing lists, bounces or no-reply addresses, and at most a few per sender per hour.',
    ),
    form,
    status,
  );
}

/**
 * A claimed domain routes nothing until the tenant proves it controls it: the ownership TXT
 * record (first in the table) holds a token only this tenant knows.
 */
function verifyOwnership(tenantId, domain, onVerified) {
  const button = h('button', { type: 'button', class: 'button' }, 'Verify ownership');
  const result = h('div', { 'aria-live': 'polite' });
  button.addEventListener('click', () =>
    busy(button, async () => {
      try {
        await post(`/api/tenants/${tenantId}/domains/${domain.id}/verify`, {});
        await onVerified();
      } catch (error) {
        result.replaceChildren(alertBox('error', `${domain.domain} is not verified yet`, errorText(error)));
      }
    }, 'Verifying…'),
  );
  return h(
    'div',
    { class: 'stack-sm' },
    h('p', { class: 'small' }, 'Mail for this domain reaches this tenant only after you publish the ownership (TXT) record below and verify it. Until then nobody receives it here.'),
    button,
    result,
  );
}

/** The tenant's own mail domains and the DNS records each needs, checked on request. */
function domainsPanel(tenantId, initial) {
  const body = h('div');
  const status = h('div', { 'aria-live': 'polite' });
  const spfInclude = h('input', { type: 'text', name: 'spf_include', placeholder: 'e.g. _spf.google.com (optional)', autocomplete: 'off', spellcheck: 'false' });

  const draw = (dns) => {
    if (dns.unavailable) {
      body.replaceChildren(h('p', { class: 'small muted' }, `The DNS guide is not available right now: ${errorText(dns.unavailable)} See "Using an address of your own domain" above.`));
      return;
    }
    if (dns.data.length === 0) {
      body.replaceChildren(h('p', { class: 'muted' }, 'No own domain yet. Add one to receive mail at it directly (optional).'));
      return;
    }
    body.replaceChildren(
      ...dns.data.map((domain) =>
        h(
          'div',
          { class: 'dns-domain' },
          h('h3', null, domain.domain, ' ', domain.status === 'verified' ? badge('verified', 'sent') : badge('not verified: no mail routed yet', 'pending')),
          domain.status === 'verified' ? null : verifyOwnership(tenantId, domain, () => redraw()),
          h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              null,
              h('thead', null, h('tr', null, ['Type', 'Name', 'Value', 'Why', ...(domain.records.some((r) => r.status) ? ['Check'] : [])].map((c) => h('th', { scope: 'col' }, c)))),
              h(
                'tbody',
                null,
                domain.records.map((r) =>
                  h(
                    'tr',
                    null,
                    h('td', { class: 'nowrap' }, r.type, r.priority !== null && r.priority !== undefined ? ` ${r.priority}` : ''),
                    h('td', null, h('code', null, r.name)),
                    h('td', null, r.value ? h('code', { class: 'break' }, r.value) : h('span', { class: 'muted' }, r.kind === 'a' ? 'the mail server\'s public IPv4 address' : r.kind === 'dkim' ? 'the key Mailu\'s admin shows for this domain' : '–')),
                    h('td', { class: 'small' }, r.purpose),
                    r.status ? h('td', { class: 'small' }, badge(r.status, r.status === 'ok' ? 'sent' : r.status === 'error' ? 'queued' : 'failed'), h('div', null, r.message)) : null,
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  };

  const redraw = async () => draw(await get(`/api/tenants/${tenantId}/dns-records`).catch((error) => ({ unavailable: error })));

  const check = h('button', { type: 'submit', class: 'button secondary' }, 'Check DNS now');
  const checkForm = h(
    'form',
    {
      class: 'inline-form',
      onsubmit: async (event) => {
        event.preventDefault();
        await busy(check, async () => {
          try {
            const dns = await get(`/api/tenants/${tenantId}/dns-records${query({ check: 'true', spf_include: spfInclude.value.trim() })}`);
            draw(dns);
            status.replaceChildren(alertBox('info', null, 'Checked against public DNS just now. Changes can take hours to show everywhere.'));
          } catch (error) {
            status.replaceChildren(alertBox('error', 'The check did not run', errorText(error)));
          }
        }, 'Checking…');
      },
    },
    field('SPF include of your SMTP provider', spfInclude, null, 'wide'),
    check,
  );

  const domainInput = h('input', { type: 'text', name: 'domain', placeholder: 'help.your-company.example', autocomplete: 'off', spellcheck: 'false' });
  const add = h('button', { type: 'submit', class: 'button secondary' }, 'Add domain');
  const addForm = h(
    'form',
    {
      class: 'inline-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const domain = domainInput.value.trim().toLowerCase();
        if (!domain) {
          status.replaceChildren(alertBox('error', null, 'Enter a domain name such as help.your-company.example.'));
          domainInput.focus();
          return;
        }
        await busy(add, async () => {
          try {
            await post(`/api/tenants/${tenantId}/domains`, { domain });
            domainInput.value = '';
            await redraw();
            status.replaceChildren(alertBox('ok', null, `${domain} added. Publish the ownership record below, then verify it.`));
          } catch (error) {
            status.replaceChildren(alertBox('error', 'The domain was not added', errorText(error)));
          }
        }, 'Adding…');
      },
    },
    field('Add an own domain', domainInput, null, 'wide'),
    add,
  );

  draw(initial);
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'domains-heading' },
    h('h2', { id: 'domains-heading' }, 'Own domains and DNS'),
    h('p', { class: 'small muted' }, initial.mail_server ? `Mail for an own domain reaches the helpdesk through the mail server ${initial.mail_server}; these records route it there and make replies sent as your domain trusted.` : 'Records that route mail for your own domain to the helpdesk and make replies sent as it trusted.'),
    body,
    initial.unavailable ? null : h('div', { class: 'stack-sm' }, checkForm, addForm),
    status,
  );
}
