import { html } from './vendor/htm-preact.js';
import { get } from './api.js';
import { formatDate } from './format.js';
import { useLoad, useTitle } from './hooks.js';
import { AcknowledgementPanel } from './settings-acknowledgement.js';
import { DomainsPanel, loadDomains } from './settings-domains.js';
import { InboundPanel } from './settings-inbound.js';
import { MailboxesPanel } from './settings-mailboxes.js';
import { PrivacyPanel } from './settings-privacy.js';
import { SmtpPanel } from './settings-smtp.js';
import { RepliesPanel } from './settings-replies.js';

export function SettingsPage({ me }) {
  useTitle('E-mail settings');
  const tenantId = me.tenant_id;
  const { data, fallback } = useLoad(async () => {
    const [settings, dns, mailboxes, providers] = await Promise.all([get('/api/email-settings'), loadDomains(tenantId), get('/api/email-settings/mailboxes'), get('/api/email-settings/mailboxes/providers')]);
    return { settings, dns, mailboxes, providers };
  });
  if (fallback) return fallback;
  const { settings, dns, mailboxes, providers } = data;
  return html`<section>
    <div class="page-head"><h1>E-mail settings</h1><span class="muted small">Last changed ${formatDate(settings.updated_at)}</span></div>
    <${InboundPanel} initial=${settings} onChange=${(next) => {
      if (me.tenant) me.tenant.inbound_email_address = next.inbound_email_address;
    }} />
    <${MailboxesPanel} initial=${mailboxes} providers=${providers} />
    <${SmtpPanel} initial=${settings} />
    <${AcknowledgementPanel} initial=${settings} />
    <${RepliesPanel} initial=${settings} />
    <${DomainsPanel} tenantId=${tenantId} initial=${dns} />
    <${PrivacyPanel} />
  </section>`;
}
