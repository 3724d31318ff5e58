import { html, useRef, useState } from './vendor/htm-preact.js';
import { put } from './api.js';
import { BusyButton, CopyButton, Notice } from './components.js';
import { formatDate } from './format.js';
import { info, ok, useAction } from './hooks.js';

export function InboundPanel({ initial, onChange }) {
  const [settings, setSettings] = useState(initial);
  const [localPart, setLocalPart] = useState(initial.inbound_email_address.split('@')[0]);
  const addressRef = useRef(null);
  const action = useAction('The address was not changed');
  const address = settings.inbound_email_address;
  const domain = settings.inbound_email_domain;

  const change = action.submit(async () => {
    const value = localPart.trim().toLowerCase();
    if (value === address.split('@')[0]) return info('That is already the address.');
    const next = await put('/api/email-settings', { inbound_email_local_part: value });
    setSettings(next);
    setLocalPart(next.inbound_email_address.split('@')[0]);
    onChange(next);
    return ok(`The inbound address is now ${next.inbound_email_address}. Mail to the old address is no longer taken.`);
  });

  return html`<section class="panel" aria-labelledby="inbound-heading">
    <h2 id="inbound-heading">Inbound address</h2>
    <p>Customers write to this address; every message becomes a ticket or joins the ticket it answers.</p>
    <div class="button-row">
      <code class="address" id="inbound-address" ref=${addressRef}>${address}</code>
      <${CopyButton} text=${address} target=${() => addressRef.current} label="Copy address" />
    </div>
    <p class="small muted">
      ${settings.use_docker_mail_server
        ? `Mail for ${domain} is received by the shared Mailu server${settings.docker_mail_configured_at ? ` (set up ${formatDate(settings.docker_mail_configured_at)})` : ''}.`
        : 'The shared Mailu server is switched off for this tenant: mail must reach the service by IMAP or Maildir.'}
    </p>
    <form class="inline-form" onSubmit=${change}>
      <div class="field wide">
        <label for="local-part">Local part (before the @)</label>
        <div class="with-suffix">
          <input id="local-part" type="text" name="inbound_email_local_part" autocomplete="off" spellcheck="false" maxlength="64"
            value=${localPart} onInput=${(e) => setLocalPart(e.currentTarget.value)} />
          <span class="suffix">@${domain}</span>
        </div>
      </div>
      <${BusyButton} type="submit" class="button secondary" busy=${action.busy} label="Change address" busyLabel="Saving…" />
    </form>
    <${Notice} notice=${action.notice} />
    <details class="small">
      <summary>Using an address of your own domain (DNS and Mailu)</summary>
      <ol>
        <li>Simplest: forward your support mailbox (e.g. support@your-company.example) to <code>${address}</code>. Nothing else to set up.</li>
        <li>Or receive directly: ask your platform operator to add your domain in Mailu and to alias it to this tenant, then publish an <code>MX</code> record for your domain (or a subdomain dedicated to the helpdesk) that points to the mail server of ${domain}.</li>
        <li>For replies sent as your domain: set your SMTP server below, and publish <code>SPF</code> (include your SMTP provider), <code>DKIM</code> and <code>DMARC</code> records so that receivers trust them.</li>
      </ol>
    </details>
  </section>`;
}
