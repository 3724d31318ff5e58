import { searchText } from '../database/search-text';

/**
 * What an agent's search box text asks for. Every term must match; a term is one word or a
 * phrase (its words next to each other, in order). Nothing of the input reaches a full-text
 * engine's query syntax: the terms hold letters and digits only, and are quoted by the renderers.
 */
export interface SearchQuery {
  /** `#123` or a bare `123`: the ticket with that number. */
  ticketNumber: number | null;
  /** False for `#123`: only the numbered ticket, no text search. */
  searchText: boolean;
  terms: string[][];
}

/** More terms than an agent types; the rest are ignored (each one costs the engines a lookup). */
export const MAX_TERMS = 12;
/** Ticket numbers are int columns. */
const MAX_TICKET_NUMBER = 2_147_483_647;

/** Unicode letters, digits and private-use characters: what SQLite's unicode61 tokenizer keeps. */
const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;
/** A phrase between straight or typographic double quotes; an unclosed one runs to the end. */
const QUOTED = /["“”„«»「」『』]([^"“”„«»「」『』]*)(?:["“”„«»「」『』]|$)/gu;

export function parseSearchQuery(input: string): SearchQuery {
  const text = input.normalize('NFC').trim();
  const numbered = /^(#?)\s*0*(\d{1,10})$/.exec(text);
  const ticketNumber = numbered && Number(numbered[2]) >= 1 && Number(numbered[2]) <= MAX_TICKET_NUMBER ? Number(numbered[2]) : null;
  if (numbered?.[1] === '#') return { ticketNumber, searchText: false, terms: [] };

  const pieces: string[] = [];
  const unquoted = text.replace(QUOTED, (_, phrase: string) => {
    pieces.push(phrase);
    return ' ';
  });
  pieces.push(...unquoted.split(/\s+/));
  const seen = new Set<string>();
  const terms: string[][] = [];
  for (const piece of pieces) {
    const words = searchText(piece).match(TOKEN);
    if (!words) continue;
    const key = words.join(' ').toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    terms.push(words);
    if (terms.length === MAX_TERMS) break;
  }
  return { ticketNumber, searchText: true, terms };
}

/**
 * An FTS5 MATCH expression: every term a quoted string (its words a phrase), all required, in
 * the text columns, within the tenant's documents (see the `tenant` column of ticket_search).
 */
export function toFts5Match(tenantId: number, terms: string[][]): string | null {
  if (terms.length === 0) return null;
  return `tenant : "t${tenantId}" AND {subject people body files} : (${terms.map((words) => `"${words.join(' ')}"`).join(' AND ')})`;
}

/** InnoDB's defaults: shorter and longer words are not in the index (innodb_ft_min/max_token_size). */
const INNODB_MIN_TOKEN = 3;
const INNODB_MAX_TOKEN = 84;

/**
 * The terms as InnoDB can find them: words it does not index are left out (requiring them would
 * match nothing), and a phrase holding one becomes its other words, each a term of its own.
 */
export function innodbTerms(terms: string[][]): string[][] {
  const out = new Map<string, string[]>();
  for (const words of terms) {
    const indexed = words.filter((w) => [...w].length >= INNODB_MIN_TOKEN && [...w].length <= INNODB_MAX_TOKEN);
    const kept = indexed.length === words.length ? [words] : indexed.map((w) => [w]);
    for (const term of kept) out.set(term.join(' ').toLowerCase(), term);
  }
  return [...out.values()];
}

/** A MariaDB boolean-mode query of innodbTerms: every term required, phrases quoted. */
export function toInnodbBoolean(terms: string[][]): string | null {
  if (terms.length === 0) return null;
  return terms.map((words) => (words.length > 1 ? `+"${words.join(' ')}"` : `+${words[0]}`)).join(' ');
}

/**
 * The same term as a PCRE pattern over a search document: its words whole, in order, with only
 * separators between them. Terms hold letters and digits only, nothing a pattern would read as syntax.
 */
export function toWordPattern(words: string[]): string {
  return `(?<![\\p{L}\\p{N}])${words.join('[^\\p{L}\\p{N}]+')}(?![\\p{L}\\p{N}])`;
}
