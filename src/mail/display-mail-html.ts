import sanitizeHtml from 'sanitize-html';
import { SANITIZE_OPTIONS } from './sanitize-html';
import { readableTextColor } from './readable-color';

const RASTER_DATA_IMAGE = /^data:image\/(png|jpe?g|gif|webp);base64,[a-z0-9+/=\s]*$/i;

export interface DisplayOptions {
  /** The message's own inline parts by Content-ID (without <>), as data: URLs. */
  readonly inlineImages: ReadonlyMap<string, string>;
  /** Whether the reader asked for remote (https:) images, which can track them. */
  readonly loadRemoteImages: boolean;
}

/**
 * Stored (already sanitised) mail HTML as the reader's frame shows it. The same allow-list runs
 * again, so a row stored by an older sanitiser cannot bring more, and on top:
 * - an image keeps its source only if it is one of the message's own inline parts (`cid:`,
 *   turned into its data: URL), a raster data: image, or a remote https: image the reader asked for;
 * - a link names its target in its title, so hovering shows where it really goes;
 * - an element that sets a background but no text colour gets a readable one, as a mail
 *   written for a light client often puts a dark band behind inherited dark text.
 */
export function displayMailHtml(storedHtml: string, options: DisplayOptions): string {
  return sanitizeHtml(storedHtml, {
    ...SANITIZE_OPTIONS,
    allowedAttributes: { ...SANITIZE_OPTIONS.allowedAttributes, img: ['src', 'alt', 'width', 'height', 'data-blocked-src'] },
    transformTags: {
      '*': withReadableColor,
      a: (tagName, attribs) => ({ tagName, attribs: withLinkTitle(attribs) }),
      img: (tagName, attribs) => ({ tagName, attribs: withDisplayableSource(attribs, options) }),
    },
  });
}

/** How many images of the stored HTML are remote, so the UI knows whether to offer "Load images". */
export function countRemoteImages(storedHtml: string): number {
  return storedHtml.match(/<img\b[^>]*\ssrc="https:/gi)?.length ?? 0;
}

/** `<cid>` or `cid` of a Content-ID header, and a `cid:` URL (percent-encoded), to one key. */
export function contentIdKey(value: string): string {
  let id = value.trim().replace(/^cid:/i, '');
  try {
    id = decodeURIComponent(id);
  } catch {
    // not percent-encoded after all: compare as written
  }
  return id.replace(/^<|>$/g, '').toLowerCase();
}

function withDisplayableSource(attribs: sanitizeHtml.Attributes, options: DisplayOptions): sanitizeHtml.Attributes {
  const { src = '', ...rest } = attribs;
  const source = src.trim();
  let shown: string | undefined;
  if (/^cid:/i.test(source)) shown = options.inlineImages.get(contentIdKey(source));
  else if (/^https:/i.test(source)) {
    if (!options.loadRemoteImages) return { ...rest, 'data-blocked-src': 'remote' };
    shown = source;
  } else if (RASTER_DATA_IMAGE.test(source)) shown = source;
  return shown ? { src: shown, ...rest } : rest;
}

function withLinkTitle(attribs: sanitizeHtml.Attributes): sanitizeHtml.Attributes {
  const href = attribs.href?.trim();
  return { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow', ...(href ? { title: href } : {}) };
}

function withReadableColor(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const style = attribs.style ?? '';
  const background = attribs.bgcolor ?? declaredValue(style, 'background-color');
  if (!background || declaredValue(style, 'color') !== undefined) return { tagName, attribs };
  const color = readableTextColor(background);
  if (!color) return { tagName, attribs };
  return { tagName, attribs: { ...attribs, style: `${style.trim().replace(/;?$/, ';')}color:${color}`.replace(/^;/, '') } };
}

function declaredValue(style: string, property: string): string | undefined {
  for (const declaration of style.split(';')) {
    const colon = declaration.indexOf(':');
    if (colon > 0 && declaration.slice(0, colon).trim().toLowerCase() === property) return declaration.slice(colon + 1).trim();
  }
  return undefined;
}
