// Who owns a ticket: a select of the team, "Assign to me", and the outcome as a notice.
import { html } from './vendor/htm-preact.js';
import { get, patch } from './api.js';
import { Notice } from './components.js';
import { ok, useAction, useLoad } from './hooks.js';

export function Assignment({ ticket, me, onChanged }) {
  const { data: team } = useLoad(() => get('/api/team'));
  const action = useAction('The ticket was not assigned');
  const assign = (value) =>
    action.run(async () => {
      const assignee = value === '' ? null : Number(value);
      const updated = await patch(`/api/tickets/${ticket.id}`, { assignee_user_id: assignee });
      onChanged(updated.assignee_user_id);
      const name = team?.data.find((u) => u.id === assignee)?.name;
      return ok(assignee === null ? 'The ticket is unassigned.' : `Assigned to ${assignee === me.user_id ? 'you' : name}.`);
    });
  const mine = me.user_id !== null && ticket.assignee_user_id === me.user_id;
  return html`<div class="assignment">
    <label class="small muted" for="ticket-assignee">Assigned to</label>
    <select id="ticket-assignee" disabled=${action.busy || !team} value=${ticket.assignee_user_id ?? ''} onChange=${(e) => assign(e.currentTarget.value)}>
      <option value="">Nobody</option>
      ${(team?.data ?? []).map((u) => html`<option value=${u.id}>${u.id === me.user_id ? `${u.name} (you)` : u.name}</option>`)}
    </select>
    ${me.user_id !== null && !mine ? html`<button type="button" class="button secondary small" disabled=${action.busy} onClick=${() => assign(String(me.user_id))}>Assign to me</button>` : null}
    <${Notice} class="small" notice=${action.notice} />
  </div>`;
}
