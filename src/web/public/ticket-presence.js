// "Bob has this ticket open" / "Bob is writing a reply": a heartbeat while the ticket is shown.
import { html, useEffect, useState } from './vendor/htm-preact.js';
import { post } from './api.js';

const BEAT_MS = 10_000;

/** Writing: the reply box holds text. Read from the page, so that the composer needs no wiring. */
const writingNow = () => Boolean(document.getElementById('reply-body')?.value.trim());

export function PresenceNotice({ ticketId, me }) {
  const [others, setOthers] = useState([]);
  useEffect(() => {
    if (me.user_id === null) return undefined;
    let stopped = false;
    let lastWriting = null;
    const beat = () =>
      post(`/api/tickets/${ticketId}/presence`, { writing: writingNow() }).then(
        (answer) => !stopped && setOthers(answer.others),
        () => undefined,
      );
    const onInput = (event) => {
      if (event.target?.id !== 'reply-body' || writingNow() === lastWriting) return;
      lastWriting = writingNow();
      void beat();
    };
    void beat();
    const timer = setInterval(beat, BEAT_MS);
    document.addEventListener('input', onInput);
    return () => {
      stopped = true;
      clearInterval(timer);
      document.removeEventListener('input', onInput);
    };
  }, [ticketId]);
  if (!others.length) return null;
  return html`<div class="alert alert-info" role="status" id="presence">
    ${others.map((o) => (o.writing ? `${o.name} is writing a reply to this ticket.` : `${o.name} has this ticket open.`)).join(' ')}
  </div>`;
}
