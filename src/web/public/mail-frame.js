// The formatted version of a message: the sender's HTML, sanitised by the service and served as
// its own page (/api/mail-frames/…, with its own Content-Security-Policy), in a sandboxed frame.
import { html, useState } from './vendor/htm-preact.js';
import { del, post } from './api.js';
import { Notice } from './components.js';
import { ok, useAction } from './hooks.js';

export function FormattedMail({ message: m }) {
  const [open, setOpen] = useState(false);
  const [imagesAsked, setImagesAsked] = useState(false);
  const [senderAllowed, setSenderAllowed] = useState(m.sender_images_allowed);
  const action = useAction();
  const images = imagesAsked || senderAllowed;

  const alwaysLoad = () =>
    action.run(async () => {
      await post('/api/remote-image-senders', { address: m.from });
      setSenderAllowed(true);
      return ok(`Images from ${m.from} now load for everyone on the team.`);
    }, 'Could not change the setting');
  const stopLoading = () =>
    action.run(async () => {
      await del(`/api/remote-image-senders/${encodeURIComponent(m.from)}`);
      setSenderAllowed(false);
      setImagesAsked(false);
      return ok(`Images from ${m.from} are blocked again.`);
    }, 'Could not change the setting');

  return html`<div class="html-toggle">
    <button type="button" class="button secondary small" aria-expanded=${String(open)} onClick=${() => setOpen(!open)}>
      ${open ? 'Hide formatted e-mail' : 'Show formatted e-mail'}
    </button>
    ${open && m.remote_image_count > 0
      ? html`<div class="image-bar" role="group" aria-label="Remote images">
          ${images
            ? html`<span>${senderAllowed ? `Images from ${m.from} load automatically.` : 'Remote images are shown.'}</span>`
            : html`<span>${`${m.remote_image_count} remote ${m.remote_image_count === 1 ? 'image is' : 'images are'} blocked: ${m.remote_image_count === 1 ? 'it' : 'they'} could tell the sender that the mail was read.`}</span>
                <button type="button" class="button secondary small" onClick=${() => setImagesAsked(true)}>Load images</button>`}
          ${m.from && !senderAllowed ? html`<button type="button" class="button secondary small" disabled=${action.busy} onClick=${alwaysLoad}>${`Always load images from ${m.from}`}</button>` : null}
          ${m.from && senderAllowed ? html`<button type="button" class="button secondary small" disabled=${action.busy} onClick=${stopLoading}>Stop loading them</button>` : null}
        </div>`
      : null}
    <${Notice} notice=${action.notice} />
    ${open && m.html_frame_url ? html`<${MailFrame} url=${m.html_frame_url + (images ? '?images=1' : '')} />` : null}
  </div>`;
}

/**
 * The sandbox allows no script and gives the page an opaque origin that cannot reach this page
 * or its token; a link may open a new tab (outside the sandbox, without opener or referrer).
 * `sandbox` is set before `src`, and the frame is connected only after both.
 */
function MailFrame({ url }) {
  return html`<div class="html-frame-wrap">
    <iframe
      class="html-frame"
      sandbox="allow-popups allow-popups-to-escape-sandbox"
      referrerpolicy="no-referrer"
      title="Formatted e-mail (scripts are disabled)"
      src=${url}
    ></iframe>
  </div>`;
}
