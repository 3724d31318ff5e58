import { html, useEffect } from './vendor/htm-preact.js';
import { errorText } from './api.js';
import { Alert } from './components.js';

/** A readable page for any failure, with a way on. */
export function ErrorPage({ error, retry, title = 'Error' }) {
  useEffect(() => {
    document.title = `${title} · Inbound`;
  }, [title]);
  return html`<section>
    <h1>That did not work</h1>
    <${Alert} kind="error">${errorText(error)}<//>
    <div class="button-row">
      ${retry ? html`<button type="button" class="button" onClick=${retry}>Try again</button>` : null}
      <a class="button secondary" href="#/">Go to the start page</a>
    </div>
  </section>`;
}
