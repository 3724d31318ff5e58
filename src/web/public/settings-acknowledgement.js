import { html, useState } from './vendor/htm-preact.js';
import { put } from './api.js';
import { BusyButton, Field, Notice } from './components.js';
import { ok, useAction } from './hooks.js';

const describe = (on) => (on ? 'Auto-acknowledgement is on: new tickets get an automatic confirmation.' : 'Auto-acknowledgement is off.');

export function AcknowledgementPanel({ initial }) {
  const [enabled, setEnabled] = useState(initial.auto_acknowledge);
  const [template, setTemplate] = useState(initial.auto_acknowledge_template ?? '');
  const action = useAction();

  const switchTo = (wanted) =>
    action.run(async () => {
      setEnabled(wanted);
      try {
        const next = await put('/api/email-settings', { auto_acknowledge: wanted });
        setEnabled(next.auto_acknowledge);
        return ok(describe(next.auto_acknowledge));
      } catch (error) {
        setEnabled(!wanted);
        throw error;
      }
    }, 'Not changed');
  const saveText = action.submit(async () => {
    const next = await put('/api/email-settings', { auto_acknowledge_template: template.trim() ? template : null });
    setTemplate(next.auto_acknowledge_template ?? '');
    return ok('Acknowledgement text saved.');
  }, 'The text was not saved');

  return html`<section class="panel" aria-labelledby="ack-heading">
    <h2 id="ack-heading">Auto-acknowledgement</h2>
    <div class="field checkbox">
      <input id="auto-acknowledge" type="checkbox" name="auto_acknowledge" role="switch" checked=${enabled} disabled=${action.busy}
        onChange=${(e) => switchTo(e.currentTarget.checked)} />
      <label for="auto-acknowledge">Confirm new tickets to the customer automatically</label>
    </div>
    <p class="small muted">Never sent to auto-replies, mailing lists, bounces or no-reply addresses, and at most a few per sender per hour.</p>
    <form onSubmit=${saveText}>
      <${Field} id="ack-template" label="Acknowledgement text" hint="Placeholders: {{ticket_number}}, {{subject}}, {{requester_name}}.">
        <textarea id="ack-template" name="auto_acknowledge_template" rows="5" placeholder="Empty: the default text" aria-describedby="ack-template-hint"
          value=${template} onInput=${(e) => setTemplate(e.currentTarget.value)}></textarea>
      <//>
      <div class="button-row"><${BusyButton} type="submit" class="button secondary" busy=${action.busy} label="Save text" busyLabel="Saving…" /></div>
    </form>
    <${Notice} notice=${action.notice} />
  </section>`;
}
