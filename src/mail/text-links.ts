import linkify from 'linkify-it';

/** A link found in plain text: the characters [start, end) of the text open `url`. */
export interface TextLink {
  start: number;
  end: number;
  url: string;
}

const LINKS = linkify();
const SAFE_URL = /^(https?:\/\/|mailto:)/i;
const MAX_LINKS = 500;

/**
 * The web and mail addresses in a plain-text body (`https://…`, `www.…`, `name@host`, a bare
 * `example.com`), found by linkify-it. Only http, https and mailto targets are kept, so a text
 * saying `javascript:` or `file:` never becomes a link. Offsets are UTF-16 indices, as a
 * browser's String.slice counts them.
 */
export function findTextLinks(text: string | null): TextLink[] {
  if (!text) return [];
  const links: TextLink[] = [];
  for (const match of LINKS.match(text) ?? []) {
    if (!SAFE_URL.test(match.url)) continue;
    links.push({ start: match.index, end: match.lastIndex, url: match.url });
    if (links.length === MAX_LINKS) break;
  }
  return links;
}
