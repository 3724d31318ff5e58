import sanitizeHtml from 'sanitize-html';

/**
 * What of a customer's HTML mail may reach an agent's browser. Decisions:
 * - Structure and text formatting only; no script, style sheet, form, frame, object, embed,
 *   svg or math, and no event handlers (no attribute not listed here survives).
 * - Links: http, https, mailto, tel; they open in a new tab without referrer or opener.
 * - Images: `cid:` (the message's own inline parts, resolved by the UI to attachment URLs),
 *   `https:` (remote; the UI decides whether to load them, as they can track the reader) and
 *   raster `data:` images. `http:` images are dropped: they would be mixed content.
 * - `style` attributes: only a few presentational properties with plain values, so no
 *   `url()`, `expression()` or positioning can overlay the UI; `<style>` elements are dropped.
 * - The UI renders the result in a sandboxed iframe as a second line of defence.
 */
const ALLOWED_TAGS = [
  'a', 'abbr', 'address', 'b', 'bdi', 'bdo', 'big', 'blockquote', 'br', 'caption', 'center', 'cite', 'code',
  'col', 'colgroup', 'dd', 'del', 'dfn', 'div', 'dl', 'dt', 'em', 'font', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 's', 'samp', 'small', 'span', 'strike',
  'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'tt', 'u', 'ul', 'var', 'wbr',
];

const TABLE_LAYOUT = ['align', 'valign', 'width', 'height', 'bgcolor', 'border', 'cellpadding', 'cellspacing', 'colspan', 'rowspan'];

const ALLOWED_ATTRIBUTES: sanitizeHtml.IOptions['allowedAttributes'] = {
  '*': ['dir', 'lang', 'title', 'style', 'align'],
  a: ['href', 'name', 'target', 'rel'],
  img: ['src', 'alt', 'width', 'height'],
  font: ['color', 'face', 'size'],
  table: TABLE_LAYOUT,
  td: TABLE_LAYOUT,
  th: TABLE_LAYOUT,
  tr: TABLE_LAYOUT,
  col: ['span', 'width'],
  colgroup: ['span', 'width'],
  ol: ['start', 'type'],
  blockquote: ['type', 'cite'],
};

const COLOR = [/^#[0-9a-f]{3,8}$/i, /^[a-z]{3,20}$/i, /^rgba?\(\s*[\d.%]+\s*,\s*[\d.%]+\s*,\s*[\d.%]+\s*(,\s*[\d.]+\s*)?\)$/i];
const LENGTH = [/^-?\d{1,4}(\.\d{1,3})?(px|pt|em|rem|%)?$/i];
const LENGTHS = [/^(-?\d{1,4}(\.\d{1,3})?(px|pt|em|rem|%)?|auto)(\s+(-?\d{1,4}(\.\d{1,3})?(px|pt|em|rem|%)?|auto)){0,3}$/i];

const ALLOWED_STYLES: sanitizeHtml.IOptions['allowedStyles'] = {
  '*': {
    color: COLOR,
    'background-color': COLOR,
    'font-weight': [/^(normal|bold|bolder|lighter|\d{3})$/i],
    'font-style': [/^(normal|italic|oblique)$/i],
    'font-size': LENGTH,
    'font-family': [/^[\w\s,'"-]{1,100}$/],
    'text-align': [/^(left|right|center|justify)$/i],
    'text-decoration': [/^(none|underline|line-through|overline)$/i],
    'vertical-align': [/^(top|middle|bottom|baseline)$/i],
    'white-space': [/^(normal|nowrap|pre|pre-wrap|pre-line)$/i],
    'line-height': LENGTH,
    width: LENGTH,
    height: LENGTH,
    margin: LENGTHS,
    padding: LENGTHS,
    border: [/^\d{1,2}px\s+(solid|dashed|dotted)\s+(#[0-9a-f]{3,8}|[a-z]{3,20})$/i],
  },
};

const RASTER_DATA_IMAGE = /^data:image\/(png|jpe?g|gif|webp);base64,[a-z0-9+/=\s]*$/i;

export const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: ALLOWED_ATTRIBUTES,
  allowedStyles: ALLOWED_STYLES,
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['cid', 'https', 'data'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  // Text inside these would otherwise be shown as body text (a <title>, the CSS of a <style>).
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'template', 'xml'],
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
    img: (tagName, attribs) => ({ tagName, attribs: withRasterDataOnly(attribs) }),
    p: withOutlookParagraphMargins,
    div: withOutlookParagraphMargins,
    li: withOutlookParagraphMargins,
  },
};

/**
 * Outlook sets its paragraphs' margins to 0 in a <style> element (`p.MsoNormal {margin:0}`),
 * which is dropped with the class; without this its mail would look double-spaced.
 */
function withOutlookParagraphMargins(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  if (!/\bMsoNormal\b/i.test(attribs.class ?? '')) return { tagName, attribs };
  return { tagName, attribs: { ...attribs, style: `margin:0;${attribs.style ?? ''}` } };
}

/** The customer's HTML, reduced to what is safe to show an agent (see the decisions above). */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}

function withRasterDataOnly(attribs: sanitizeHtml.Attributes): sanitizeHtml.Attributes {
  const src = (attribs.src ?? '').trim();
  if (!/^data:/i.test(src) || RASTER_DATA_IMAGE.test(src)) return attribs;
  const { src: _dropped, ...rest } = attribs;
  return rest;
}

const LINE_BREAK = '\uE000';
const BLOCK_END = /<\/(?:p|div|li|tr|h[1-6]|table|blockquote|pre)\s*>|<br\s*\/?>|<(?:ol|ul)\b[^>]*>/gi;
const LIST_TAG = /<(\/?)(ol|ul|li)\b([^>]*)>/gi;

/**
 * Each list item's number ("3. ", from the list's `start` or the item's `value`) or bullet
 * ("- ") written before its text, as a text view of an HTML-only mail would lose them otherwise.
 * A linear scan over the list tags only.
 */
function numberListItems(html: string): string {
  const lists: { ordered: boolean; next: number }[] = [];
  return html.replace(LIST_TAG, (tag, closing: string, name: string, attributes: string) => {
    const kind = name.toLowerCase();
    if (kind !== 'li') {
      if (closing) lists.pop();
      else lists.push({ ordered: kind === 'ol', next: numberAttribute(attributes, 'start') ?? 1 });
      return tag;
    }
    const list = lists.at(-1);
    if (closing || !list) return tag;
    if (!list.ordered) return `${tag}- `;
    const number = numberAttribute(attributes, 'value') ?? list.next;
    list.next = number + 1;
    return `${tag}${number}. `;
  });
}

function numberAttribute(attributes: string, name: string): number | undefined {
  const value = new RegExp(`\\b${name}\\s*=\\s*["']?(-?\\d{1,6})`, 'i').exec(attributes)?.[1];
  return value === undefined ? undefined : Number(value);
}

/**
 * Readable text of an HTML body: whitespace collapsed as a browser would, a line break after
 * each block. htmlparser2 underneath is linear, unlike html-to-text, which mailparser would
 * use and which spent 28 s on 200,000 nested <div>s (so parseMessage turns it off).
 * `dropQuotes` leaves out <blockquote>s, for quote stripping.
 */
export function emailHtmlToText(html: string, options: { dropQuotes?: boolean } = {}): string {
  const nonTextTags = ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'template', 'xml'];
  const text = sanitizeHtml(numberListItems(html).replace(BLOCK_END, `$&${LINE_BREAK}`), {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: options.dropQuotes ? [...nonTextTags, 'blockquote'] : nonTextTags,
    textFilter: (chunk) => chunk.replace(/\s+/g, ' '),
  });
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .split(LINE_BREAK)
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
