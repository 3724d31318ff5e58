// The reply composer: text, Cc, attachments (picked or dropped), a draft kept on the server per
// ticket and person (it survives navigation and another device), and "Send and set pending/close".
import { html, useEffect, useRef, useState } from './vendor/htm-preact.js';
import { del, get, patch, post, put } from './api.js';
import { BusyButton, Field, Notice } from './components.js';
import { formatBytes } from './format.js';
import { InputProblem, useAction } from './hooks.js';

/** What the service accepts for a reply's attachments together (see README, Outbound mail). */
const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
const DRAFT_DELAY_MS = 800;

function readAsBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export function ReplyComposer({ ticketId, me, onSent }) {
  const [body, setBody] = useState('');
  const [cc, setCc] = useState('');
  const [files, setFiles] = useState([]);
  const [draftState, setDraftState] = useState('');
  const [dragging, setDragging] = useState(false);
  const action = useAction('The reply was not sent');
  const timer = useRef(null);
  const drafts = me.user_id !== null;
  const [canned, setCanned] = useState([]);

  useEffect(() => {
    get('/api/canned-replies').then((answer) => setCanned(answer.data), () => setCanned([]));
  }, []);

  const insertCanned = (id) => {
    const reply = canned.find((r) => String(r.id) === id);
    if (!reply) return;
    const next = body.trim() ? `${body.replace(/\s+$/, '')}\n\n${reply.body}` : reply.body;
    setBody(next);
    saveLater(next, cc);
  };

  useEffect(() => {
    if (!drafts) return undefined;
    get(`/api/tickets/${ticketId}/draft`).then(
      (answer) => {
        if (!answer.data) return;
        setBody(answer.data.body_text);
        setCc(answer.data.cc);
        setDraftState('Draft restored.');
      },
      () => setDraftState('The saved draft could not be loaded.'),
    );
    return () => clearTimeout(timer.current);
  }, [ticketId]);

  const saveLater = (nextBody, nextCc) => {
    if (!drafts) return;
    clearTimeout(timer.current);
    setDraftState('');
    timer.current = setTimeout(() => {
      put(`/api/tickets/${ticketId}/draft`, { body_text: nextBody, cc: nextCc }).then(
        () => setDraftState(nextBody.trim() || nextCc.trim() ? 'Draft saved.' : ''),
        () => setDraftState('The draft was not saved.'),
      );
    }, DRAFT_DELAY_MS);
  };

  const addFiles = (list) =>
    action.run(async () => {
      const added = await Promise.all([...list].map(async (file) => ({ filename: file.name, content_type: file.type || 'application/octet-stream', size: file.size, content_base64: await readAsBase64(file) })));
      const all = [...files, ...added];
      const total = all.reduce((sum, f) => sum + f.size, 0);
      if (total > MAX_ATTACHMENT_BYTES) throw new InputProblem(`Attachments may add up to ${formatBytes(MAX_ATTACHMENT_BYTES)}; these are ${formatBytes(total)}.`);
      setFiles(all);
    });

  const send = (status) =>
    action.run(async () => {
      if (!body.trim()) throw new InputProblem('Write a reply first.', 'reply-body');
      const ccList = cc.split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean);
      const attachments = files.map(({ filename, content_type, content_base64 }) => ({ filename, content_type, content_base64 }));
      await post(`/api/tickets/${ticketId}/reply`, { body_text: body, ...(ccList.length ? { cc: ccList } : {}), ...(attachments.length ? { attachments } : {}) });
      clearTimeout(timer.current);
      if (drafts) await del(`/api/tickets/${ticketId}/draft`).catch(() => undefined);
      if (status) await patch(`/api/tickets/${ticketId}`, { status });
      setBody('');
      setCc('');
      setFiles([]);
      setDraftState('');
      void onSent();
    });

  const onDrop = (event) => {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer?.files?.length) addFiles(event.dataTransfer.files);
  };
  return html`<form class=${`reply-box${dragging ? ' dragging' : ''}`} novalidate onSubmit=${(e) => { e.preventDefault(); send(null); }}
      onDragOver=${(e) => { e.preventDefault(); setDragging(true); }} onDragLeave=${() => setDragging(false)} onDrop=${onDrop}>
    <h2>Reply</h2>
    <${Field} id="reply-body" label="Your answer" hint="Sent from your tenant's SMTP server; the customer's answer comes back into this ticket. Drop files here to attach them.">
      <textarea id="reply-body" name="body_text" rows="6" required placeholder="Write your answer to the customer…" aria-describedby="reply-body-hint"
        value=${body} onInput=${(e) => { setBody(e.currentTarget.value); saveLater(e.currentTarget.value, cc); }}></textarea>
    <//>
    ${canned.length
      ? html`<${Field} id="reply-canned" label="Insert a canned reply">
          <select id="reply-canned" value="" onChange=${(e) => insertCanned(e.currentTarget.value)}>
            <option value="">Choose…</option>
            ${canned.map((r) => html`<option value=${r.id}>${r.title}</option>`)}
          </select>
        <//>`
      : null}
    <${Field} id="reply-cc" label="Cc (optional)">
      <input id="reply-cc" type="text" name="cc" placeholder="name@example.com, other@example.com" autocomplete="off"
        value=${cc} onInput=${(e) => { setCc(e.currentTarget.value); saveLater(body, e.currentTarget.value); }} />
    <//>
    <${Field} id="reply-files" label="Attachments" hint=${`Up to ${formatBytes(MAX_ATTACHMENT_BYTES)} together.`}>
      <input id="reply-files" type="file" multiple aria-describedby="reply-files-hint" onChange=${(e) => { addFiles(e.currentTarget.files); e.currentTarget.value = ''; }} />
    <//>
    ${files.length
      ? html`<ul class="attachment-list" aria-label="Attached files">${files.map((f, i) => html`<li key=${`${f.filename}-${i}`}>
          ${f.filename} <span class="muted small">${formatBytes(f.size)}</span>
          <button type="button" class="button secondary small" aria-label=${`Remove ${f.filename}`} onClick=${() => setFiles(files.filter((_, j) => j !== i))}>Remove</button>
        </li>`)}</ul>`
      : null}
    <div class="button-row">
      <${BusyButton} type="submit" busy=${action.busy} label="Send reply" busyLabel="Sending…" />
      <${BusyButton} class="button secondary" busy=${action.busy} label="Send and wait for the customer" title="Sends the reply and sets the status to pending" onClick=${() => send('pending')} />
      <${BusyButton} class="button secondary" busy=${action.busy} label="Send and close" onClick=${() => send('closed')} />
      <span class="small muted" aria-live="polite">${draftState}</span>
    </div>
    <${Notice} notice=${action.notice} />
  </form>`;
}
