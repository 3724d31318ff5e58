// A message's attachments: images and PDFs get a preview (a thumbnail that opens a larger view),
// every file a download button. The bytes come with the bearer header and are shown from blob:
// URLs of the type we set, never from a link that carries the token.
import { html, useEffect, useRef, useState } from './vendor/htm-preact.js';
import { download, errorText, fetchBlob } from './api.js';
import { Notice } from './components.js';
import { formatBytes } from './format.js';
import { useAction } from './hooks.js';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
const MAX_PREVIEW_BYTES = 15 * 1024 * 1024;

function previewKind(a) {
  const type = (a.content_type ?? '').toLowerCase().split(';')[0].trim();
  if (a.size > MAX_PREVIEW_BYTES) return null;
  if (IMAGE_TYPES.includes(type === 'image/jpg' ? 'image/jpeg' : type)) return 'image';
  if (type === 'application/pdf' || (type === 'application/octet-stream' && /\.pdf$/i.test(a.filename))) return 'pdf';
  return null;
}

function blobType(a, kind) {
  if (kind === 'pdf') return 'application/pdf';
  const type = a.content_type.toLowerCase().split(';')[0].trim();
  return type === 'image/jpg' ? 'image/jpeg' : type;
}

export function Attachments({ attachments }) {
  const action = useAction();
  const [shown, setShown] = useState(null);
  const save = (a) => action.run(() => download(a.url, a.filename), `Could not download ${a.filename}`);
  return html`<div>
    <ul class="attachments" aria-label="Attachments">
      ${attachments.map((a) => {
        const kind = previewKind(a);
        return html`<li key=${a.url} class=${kind ? 'attachment previewable' : 'attachment'}>
          ${kind ? html`<${Thumbnail} attachment=${a} kind=${kind} onOpen=${(url, owned) => setShown({ attachment: a, kind, url, owned })} />` : null}
          <button type="button" class="button secondary small" disabled=${action.busy} onClick=${() => save(a)}>${`Download ${a.filename} (${formatBytes(a.size)})`}</button>
        </li>`;
      })}
    </ul>
    <${Notice} notice=${action.notice} />
    ${shown ? html`<${Lightbox} shown=${shown} onClose=${() => setShown(null)} onSave=${() => save(shown.attachment)} />` : null}
  </div>`;
}

/** An image's bytes are loaded for its thumbnail and kept as a blob: URL while it is shown. */
function Thumbnail({ attachment: a, kind, onOpen }) {
  const label = `Preview ${a.filename}`;
  return kind === 'pdf' ? html`<${PdfTile} attachment=${a} label=${label} onOpen=${onOpen} />` : html`<${ImageThumbnail} attachment=${a} label=${label} onOpen=${onOpen} />`;
}

function ImageThumbnail({ attachment: a, label, onOpen }) {
  const [url, setUrl] = useState(null);
  const [problem, setProblem] = useState(null);
  useEffect(() => {
    let objectUrl = null;
    let gone = false;
    fetchBlob(a.url, blobType(a, 'image')).then(
      (blob) => {
        if (gone) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      (error) => !gone && setProblem(errorText(error)),
    );
    return () => {
      gone = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [a.url]);
  if (problem) return html`<span class="thumb thumb-missing" title=${problem}>No preview</span>`;
  return html`<button type="button" class="thumb" aria-label=${label} title=${label} disabled=${!url} onClick=${() => onOpen(url)}>
    ${url ? html`<img src=${url} alt=${a.filename} />` : html`<span class="thumb-kind">…</span>`}
  </button>`;
}

/** A PDF is fetched only when opened; its blob: URL lives as long as the large view. */
function PdfTile({ attachment: a, label, onOpen }) {
  const action = useAction();
  const open = () =>
    action.run(async () => {
      onOpen(URL.createObjectURL(await fetchBlob(a.url, 'application/pdf')), true);
    }, `Could not open ${a.filename}`);
  return html`<span class="thumb-wrap">
    <button type="button" class="thumb" aria-label=${label} title=${label} disabled=${action.busy} onClick=${open}><span class="thumb-kind">PDF</span></button>
    <${Notice} notice=${action.notice} />
  </span>`;
}

function Lightbox({ shown: { attachment: a, kind, url, owned }, onClose, onSave }) {
  const dialog = useRef(null);
  useEffect(() => {
    dialog.current?.showModal();
    return () => owned && URL.revokeObjectURL(url);
  }, [url]);
  return html`<dialog class="lightbox" ref=${dialog} aria-label=${a.filename} onClose=${onClose} onClick=${(e) => e.target === dialog.current && dialog.current.close()}>
    <div class="lightbox-head">
      <strong>${a.filename}</strong>
      <span class="muted small">${formatBytes(a.size)}</span>
      <button type="button" class="button secondary small" onClick=${onSave}>Download</button>
      <button type="button" class="button small" onClick=${() => dialog.current.close()}>Close</button>
    </div>
    ${kind === 'image'
      ? html`<img class="lightbox-image" src=${url} alt=${a.filename} />`
      : html`<iframe class="lightbox-pdf" src=${url} title=${`PDF: ${a.filename}`}></iframe>`}
  </dialog>`;
}
