// The tenant's own mail domains and the DNS records each needs, checked on request.
import { html, useState } from './vendor/htm-preact.js';
import { errorText, get, post, query } from './api.js';
import { Badge, BusyButton, Field, Notice, TableHead } from './components.js';
import { info, InputProblem, ok, useAction } from './hooks.js';

/** The DNS guide is a help, not the page: without it the static hint above still shows. */
export function loadDomains(tenantId, params = {}) {
  return get(`/api/tenants/${tenantId}/dns-records${query(params)}`).catch((error) => ({ unavailable: error }));
}

export function DomainsPanel({ tenantId, initial }) {
  const [dns, setDns] = useState(initial);
  const [spfInclude, setSpfInclude] = useState('');
  const [domain, setDomain] = useState('');
  const action = useAction();
  const redraw = async () => setDns(await loadDomains(tenantId));

  const check = action.submit(async () => {
    setDns(await get(`/api/tenants/${tenantId}/dns-records${query({ check: 'true', spf_include: spfInclude.trim() })}`));
    return info('Checked against public DNS just now. Changes can take hours to show everywhere.');
  }, 'The check did not run');
  const add = action.submit(async () => {
    const name = domain.trim().toLowerCase();
    if (!name) throw new InputProblem('Enter a domain name such as help.your-company.example.', 'domain-name');
    await post(`/api/tenants/${tenantId}/domains`, { domain: name });
    setDomain('');
    await redraw();
    return ok(`${name} added. Publish the ownership record below, then verify it.`);
  }, 'The domain was not added');

  return html`<section class="panel" aria-labelledby="domains-heading">
    <h2 id="domains-heading">Own domains and DNS</h2>
    <p class="small muted">${initial.mail_server
      ? `Mail for an own domain reaches the helpdesk through the mail server ${initial.mail_server}; these records route it there and make replies sent as your domain trusted.`
      : 'Records that route mail for your own domain to the helpdesk and make replies sent as it trusted.'}</p>
    <div><${DomainList} tenantId=${tenantId} dns=${dns} onVerified=${redraw} /></div>
    ${initial.unavailable
      ? null
      : html`<div class="stack-sm">
          <form class="inline-form" onSubmit=${check}>
            <${Field} id="spf-include" label="SPF include of your SMTP provider" class="wide">
              <input id="spf-include" type="text" name="spf_include" placeholder="e.g. _spf.google.com (optional)" autocomplete="off" spellcheck="false"
                value=${spfInclude} onInput=${(e) => setSpfInclude(e.currentTarget.value)} />
            <//>
            <${BusyButton} type="submit" class="button secondary" busy=${action.busy} label="Check DNS now" busyLabel="Checking…" />
          </form>
          <form class="inline-form" onSubmit=${add}>
            <${Field} id="domain-name" label="Add an own domain" class="wide">
              <input id="domain-name" type="text" name="domain" placeholder="help.your-company.example" autocomplete="off" spellcheck="false"
                value=${domain} onInput=${(e) => setDomain(e.currentTarget.value)} />
            <//>
            <${BusyButton} type="submit" class="button secondary" busy=${action.busy} label="Add domain" busyLabel="Adding…" />
          </form>
        </div>`}
    <${Notice} notice=${action.notice} />
  </section>`;
}

function DomainList({ tenantId, dns, onVerified }) {
  if (dns.unavailable) {
    return html`<p class="small muted">The DNS guide is not available right now: ${errorText(dns.unavailable)} See "Using an address of your own domain" above.</p>`;
  }
  if (dns.data.length === 0) return html`<p class="muted">No own domain yet. Add one to receive mail at it directly (optional).</p>`;
  return dns.data.map((domain) => html`<div class="dns-domain" key=${domain.domain}>
    <h3>${domain.domain}${' '}${domain.status === 'verified' ? html`<${Badge} text="verified" kind="sent" />` : html`<${Badge} text="not verified: no mail routed yet" kind="pending" />`}</h3>
    ${domain.status === 'verified' ? null : html`<${VerifyOwnership} tenantId=${tenantId} domain=${domain} onVerified=${onVerified} />`}
    <${RecordTable} records=${domain.records} />
  </div>`);
}

/**
 * A claimed domain routes nothing until the tenant proves it controls it: the ownership TXT
 * record (first in the table) holds a token only this tenant knows.
 */
function VerifyOwnership({ tenantId, domain, onVerified }) {
  const action = useAction(`${domain.domain} is not verified yet`);
  const verify = () =>
    action.run(async () => {
      await post(`/api/tenants/${tenantId}/domains/${domain.id}/verify`, {});
      await onVerified();
    });
  return html`<div class="stack-sm">
    <p class="small">Mail for this domain reaches this tenant only after you publish the ownership (TXT) record below and verify it. Until then nobody receives it here.</p>
    <${BusyButton} busy=${action.busy} label="Verify ownership" busyLabel="Verifying…" onClick=${verify} />
    <${Notice} notice=${action.notice} />
  </div>`;
}

const CHECK_KINDS = { ok: 'sent', error: 'queued' };
const MISSING_VALUE = { a: 'the mail server\'s public IPv4 address', dkim: 'the key Mailu\'s admin shows for this domain' };

function RecordTable({ records }) {
  const checked = records.some((r) => r.status);
  return html`<div class="table-wrap"><table>
    <${TableHead} columns=${['Type', 'Name', 'Value', 'Why', ...(checked ? ['Check'] : [])]} />
    <tbody>${records.map((r) => html`<tr>
      <td class="nowrap">${r.type}${r.priority !== null && r.priority !== undefined ? ` ${r.priority}` : ''}</td>
      <td><code>${r.name}</code></td>
      <td>${r.value ? html`<code class="break">${r.value}</code>` : html`<span class="muted">${MISSING_VALUE[r.kind] ?? '–'}</span>`}</td>
      <td class="small">${r.purpose}</td>
      ${r.status ? html`<td class="small"><${Badge} text=${r.status} kind=${CHECK_KINDS[r.status] ?? 'failed'} /><div>${r.message}</div></td>` : null}
    </tr>`)}</tbody>
  </table></div>`;
}
