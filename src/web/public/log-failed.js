// Messages that could not be stored: the raw message is kept and can go through the pipeline again.
import { html, useState } from './vendor/htm-preact.js';
import { post } from './api.js';
import { BusyButton, Notice, TableHead, Time } from './components.js';
import { failure, ok, useAction } from './hooks.js';

export function FailedPanel({ failed, refresh }) {
  const [done, setDone] = useState([]);
  const action = useAction('Could not reprocess');
  const rows = failed.data.filter((entry) => !done.includes(entry.id));

  if (failed.data.length === 0) {
    return html`<section class="panel" aria-labelledby="failed-heading">
      <h2 id="failed-heading">Failed messages</h2>
      <p class="muted">None: every message that came in was handled.</p>
    </section>`;
  }
  const reprocess = (entry) =>
    action.run(async () => {
      const result = await post(`/api/inbound/failed/${entry.id}/reprocess`);
      if (result.outcome === 'failed') return failure(result.reason ?? '', 'Reprocessing failed again');
      setDone([...done, entry.id]);
      const ticket = result.ticket_id
        ? html`<a href=${`#/tickets/${result.ticket_id}`}>${`Open ticket${result.ticket_number ? ` #${result.ticket_number}` : ''}`}</a>`
        : null;
      return ok(html`<span>${result.reason ? `${result.reason}. ` : ''}${ticket}</span>`, `Reprocessed: ${result.outcome}`);
    });

  return html`<section class="panel" aria-labelledby="failed-heading">
    <h2 id="failed-heading">Failed messages (${failed.total})</h2>
    <p class="small muted">Failed ones could not be stored: reprocess them once the cause is fixed. Held ones are over a limit (their reason says which): reprocessing releases them. The raw message is kept either way.</p>
    <${Notice} notice=${action.notice} />
    <div class="table-wrap"><table id="failed-table">
      <${TableHead} columns=${['Time', 'Message', 'Reason', 'Action']} />
      <tbody>${rows.map((entry) => html`<tr key=${entry.id} data-log-id=${entry.id}>
        <td class="nowrap"><${Time} value=${entry.created_at} /></td>
        <td>${entry.from ?? '–'}<div class="muted small">${entry.subject ?? ''}</div></td>
        <td class="reason">${entry.reason ?? ''}${entry.error && entry.error !== entry.reason ? html`<div class="muted small">${entry.error}</div>` : null}</td>
        <td><${BusyButton} class="button small" busy=${action.busy} label="Reprocess" busyLabel="Reprocessing…"
          aria-label=${`Reprocess the message from ${entry.from ?? 'unknown sender'}`} onClick=${() => reprocess(entry)} /></td>
      </tr>`)}</tbody>
    </table></div>
    <p class="small spaced"><button type="button" class="button secondary small" onClick=${refresh}>Refresh the log</button></p>
  </section>`;
}
