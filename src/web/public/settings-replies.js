// How agents' replies look: the From name, the signature, and the team's canned replies.
import { html, useState } from './vendor/htm-preact.js';
import { del, get, post, put } from './api.js';
import { BusyButton, Field, Notice } from './components.js';
import { InputProblem, ok, useAction, useLoad } from './hooks.js';

export function RepliesPanel({ initial }) {
  const [fromName, setFromName] = useState(initial.reply_from_name_template ?? '');
  const [signature, setSignature] = useState(initial.reply_signature ?? '');
  const action = useAction('The reply settings were not saved');
  const save = action.submit(async () => {
    await put('/api/email-settings', { reply_from_name_template: fromName.trim() || null, reply_signature: signature.trim() ? signature : null });
    return ok('Saved: the next replies use them.');
  });
  return html`<section class="panel" aria-labelledby="replies-heading">
    <h2 id="replies-heading">Agents’ replies</h2>
    <${Notice} notice=${action.notice} />
    <form novalidate onSubmit=${save}>
      <${Field} id="reply-from-name" label="Sender shown on agents’ replies" hint="{agent} is the agent’s name, {team} the From name above. Empty: “{agent} at {team}”.">
        <input id="reply-from-name" maxlength="200" placeholder="{agent} at {team}" aria-describedby="reply-from-name-hint" value=${fromName} onInput=${(e) => setFromName(e.currentTarget.value)} />
      <//>
      <${Field} id="reply-signature" label="Signature" hint="Added under each agent’s reply after “-- ”; {agent} is the agent’s name.">
        <textarea id="reply-signature" rows="3" maxlength="2000" aria-describedby="reply-signature-hint" value=${signature} onInput=${(e) => setSignature(e.currentTarget.value)}></textarea>
      <//>
      <div class="button-row"><${BusyButton} type="submit" busy=${action.busy} label="Save reply settings" busyLabel="Saving…" /></div>
    </form>
    <${CannedRepliesEditor} />
  </section>`;
}

function CannedRepliesEditor() {
  const { data, fallback, setData } = useLoad(() => get('/api/canned-replies'));
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const action = useAction('The canned reply was not saved');
  if (fallback) return fallback;
  const add = action.submit(async () => {
    if (!title.trim()) throw new InputProblem('Give the canned reply a title.', 'canned-title');
    if (!body.trim()) throw new InputProblem('Write the canned reply.', 'canned-body');
    const created = await post('/api/canned-replies', { title, body });
    setData({ data: [...data.data, created].sort((a, b) => a.title.localeCompare(b.title)) });
    setTitle('');
    setBody('');
    return ok(`“${created.title}” is ready for the team.`);
  });
  const remove = (reply) =>
    action.run(async () => {
      await del(`/api/canned-replies/${reply.id}`);
      setData({ data: data.data.filter((r) => r.id !== reply.id) });
      return ok(`“${reply.title}” deleted.`);
    });
  return html`<h3>Canned replies</h3>
    <${Notice} notice=${action.notice} />
    ${data.data.length
      ? html`<ul class="attachment-list" aria-label="Canned replies">${data.data.map((r) => html`<li key=${r.id}>
          <strong>${r.title}</strong>
          <button type="button" class="button secondary small" aria-label=${`Delete ${r.title}`} onClick=${() => remove(r)}>Delete</button>
        </li>`)}</ul>`
      : html`<p class="muted small">None yet.</p>`}
    <form novalidate onSubmit=${add}>
      <${Field} id="canned-title" label="Title"><input id="canned-title" maxlength="200" value=${title} onInput=${(e) => setTitle(e.currentTarget.value)} /><//>
      <${Field} id="canned-body" label="Text"><textarea id="canned-body" rows="3" value=${body} onInput=${(e) => setBody(e.currentTarget.value)}></textarea><//>
      <div class="button-row"><${BusyButton} type="submit" class="button secondary" busy=${action.busy} label="Add canned reply" /></div>
    </form>`;
}
