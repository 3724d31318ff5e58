// What a tenant admin can do with one processing-log row: run a message that was not filed
// through the pipeline again (release a held or quarantined one), and look at it first: its
// headers, or the .eml as it came.
import { html, useState } from './vendor/htm-preact.js';
import { download, get, post } from './api.js';
import { BusyButton, Notice } from './components.js';
import { useAction } from './hooks.js';

const NOT_FILED = ['failed', 'quarantined', 'held', 'rejected', 'ignored'];
const RELEASED = ['quarantined', 'held'];

export function LogActions({ entry, refresh }) {
  const action = useAction('Could not reprocess');
  const [headers, setHeaders] = useState(null);
  const from = entry.from ?? 'unknown sender';
  const runnable = NOT_FILED.includes(entry.outcome) && !entry.resolved_at;
  const release = RELEASED.includes(entry.outcome);
  const rerun = () =>
    action.run(async () => {
      const result = await post(`/api/inbound/failed/${entry.id}/reprocess`);
      refresh();
      return { kind: 'ok', text: `${release ? 'Released' : 'Reprocessed'}: ${result.outcome}` };
    });
  const showHeaders = () =>
    action.run(async () => {
      setHeaders(headers ? null : (await get(`/api/email-processing-logs/${entry.id}/headers`)).headers);
    }, 'Could not load the headers');
  const saveEml = () => action.run(() => download(`/api/email-processing-logs/${entry.id}/raw`, `message-${entry.id}.eml`), 'Could not download the message');

  return html`<div class="log-actions">
    ${runnable
      ? html`<${BusyButton} class="button small secondary" busy=${action.busy} label=${release ? 'Release' : 'Reprocess'}
          busyLabel=${release ? 'Releasing…' : 'Reprocessing…'}
          aria-label=${`${release ? 'Release' : 'Reprocess'} the ${entry.outcome} message from ${from}`} onClick=${rerun} />`
      : null}
    <button type="button" class="button small secondary" aria-label=${`Headers of the message from ${from}`} aria-expanded=${headers ? 'true' : 'false'} onClick=${showHeaders}>Headers</button>
    <button type="button" class="button small secondary" aria-label=${`Download the message from ${from} (.eml)`} onClick=${saveEml}>.eml</button>
    <${Notice} class="small" notice=${action.notice} />
    ${headers
      ? html`<dl class="raw-headers small" aria-label=${`Headers of the message from ${from}`}>
          ${headers.map((h) => html`<dt>${h.name}</dt><dd>${h.value}</dd>`)}
        </dl>`
      : null}
  </div>`;
}
