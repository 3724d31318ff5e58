// Internal notes under a ticket's thread: for the team only, never sent, shown apart from the mail.
import { html, useState } from './vendor/htm-preact.js';
import { get, post } from './api.js';
import { BusyButton, Field, Notice, Time } from './components.js';
import { InputProblem, ok, useAction, useLoad } from './hooks.js';

export function NotesPanel({ ticketId }) {
  const { data, fallback, setData } = useLoad(() => get(`/api/tickets/${ticketId}/notes`));
  const [body, setBody] = useState('');
  const action = useAction('The note was not saved');
  const add = action.submit(async () => {
    if (!body.trim()) throw new InputProblem('Write the note first.', 'note-body');
    const note = await post(`/api/tickets/${ticketId}/notes`, { body });
    setData({ data: [...data.data, note] });
    setBody('');
    return ok('Note added. Only your team sees it.');
  });
  if (fallback) return fallback;
  return html`<section class="panel internal-notes" aria-labelledby="notes-heading">
    <h2 id="notes-heading">Internal notes <span class="muted small">(never sent to the customer)</span></h2>
    ${data.data.length
      ? html`<ul class="note-list">${data.data.map((n) => html`<li key=${n.id} class="note">
          <div class="small muted">${n.author.name ?? 'An integration'} · <${Time} value=${n.created_at} /></div>
          <div class="note-body">${n.body}</div>
        </li>`)}</ul>`
      : html`<p class="muted small">No notes yet.</p>`}
    <${Notice} notice=${action.notice} />
    <form novalidate onSubmit=${add}>
      <${Field} id="note-body" label="New internal note">
        <textarea id="note-body" rows="3" value=${body} onInput=${(e) => setBody(e.currentTarget.value)}></textarea>
      <//>
      <div class="button-row"><${BusyButton} type="submit" class="button secondary" busy=${action.busy} label="Add note" busyLabel="Saving…" /></div>
    </form>
  </section>`;
}
