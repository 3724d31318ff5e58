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
 * A MariaDB boolean-mode query: every term required, phrases quoted. Words InnoDB does not index
 * are left out (a phrase holding one becomes its other words, each required), as requiring them
 * would match nothing.
 */
export function toInnodbBoolean(terms: string[][]): string | null {
  const parts: string[] = [];
  for (const words of terms) {
    const indexed = words.filter((w) => [...w].length >= INNODB_MIN_TOKEN && [...w].length <= INNODB_MAX_TOKEN);
    if (indexed.length === 0) continue;
    if (indexed.length === words.length && words.length > 1) parts.push(`+"${words.join(' ')}"`);
    else parts.push(...indexed.map((w) => `+${w}`));
  }
  return parts.length ? [...new Set(parts)].join(' ') : null;
}
