/**
 * The text the full-text indexes see, shared by both engines and by the query side.
 *
 * Neither SQLite's unicode61 tokenizer nor MariaDB's InnoDB parser (MariaDB has no ngram parser)
 * splits Chinese, Japanese or Korean text, which has no spaces between words: a whole sentence
 * would be one token. So every run of those characters becomes its overlapping pairs (bigrams,
 * as MySQL's ngram parser and Lucene's CJK analyzer make them), each written as `x` plus the pair:
 * InnoDB drops tokens shorter than innodb_ft_min_token_size (3 by default, set only at server
 * start). `_` becomes a space, as InnoDB counts it as a letter and unicode61 does not.
 *
 * MariaDB's triggers apply the same regular expressions with REGEXP_REPLACE (PCRE2, see
 * SEARCH_TEXT_STEPS); SQLite's call this function, registered on each connection as `search_text`.
 */
const CJK = '\\x{3005}\\x{3040}-\\x{30ff}\\x{31f0}-\\x{31ff}\\x{3400}-\\x{4dbf}\\x{4e00}-\\x{9fff}\\x{ac00}-\\x{d7af}\\x{f900}-\\x{faff}';

/** PCRE2 patterns and replacements, in order; the last step is a plain character replacement. */
export const SEARCH_TEXT_STEPS: readonly { pattern: string; replacement: string }[] = [
  // Each character followed by another one of its kind opens a pair.
  { pattern: `([${CJK}])(?=([${CJK}]))`, replacement: ' x\\1\\2 ' },
  // The last character of each run (and a lone one) is then left over.
  { pattern: `(?<![x${CJK}])[${CJK}]`, replacement: ' ' },
];

const jsPattern = (pcre: string) => new RegExp(pcre.replace(/\\x\{([0-9a-f]+)\}/g, '\\u{$1}'), 'giu');
const JS_STEPS = SEARCH_TEXT_STEPS.map((step) => ({ pattern: jsPattern(step.pattern), replacement: step.replacement.replace(/\\(\d)/g, '$$$1') }));

/** Bodies longer than this are indexed by their beginning only. */
export const SEARCH_TEXT_MAX_CHARS = 65_536;

export function searchText(text: string | null | undefined): string {
  if (!text) return '';
  let out = text.length > SEARCH_TEXT_MAX_CHARS ? text.slice(0, SEARCH_TEXT_MAX_CHARS) : text;
  for (const step of JS_STEPS) out = out.replace(step.pattern, step.replacement);
  return out.replace(/_/g, ' ');
}

/**
 * UTF-8 lead bytes of the code points E3 to ED and EF: U+3000 to U+DFFF and U+F000 to U+FFFF,
 * where every CJK range above lies. A text without them has nothing for the regular expressions
 * to change.
 */
const CJK_LEAD_BYTES = ['E3', 'E4', 'E5', 'E6', 'E7', 'E8', 'E9', 'EA', 'EB', 'EC', 'ED', 'EF'];

const hasCjkLeadByte = (expr: string) => CJK_LEAD_BYTES.map((b) => `LOCATE(X'${b}', CAST(${expr} AS BINARY)) > 0`).join(' OR ');
const sqlString = (text: string) => `'${text.replace(/\\/g, '\\\\')}'`;
const regexSteps = (expr: string) =>
  SEARCH_TEXT_STEPS.reduce((sql, step) => `REGEXP_REPLACE(${sql}, ${sqlString(step.pattern)}, ${sqlString(step.replacement)})`, expr);

/** The same as searchText, as a MariaDB SQL expression over `expr` (a column: it is read several times). */
export function mysqlSearchText(expr: string): string {
  const text = `LEFT(COALESCE(${expr}, ''), ${SEARCH_TEXT_MAX_CHARS})`;
  return `REPLACE(IF(${hasCjkLeadByte(text)}, ${regexSteps(text)}, ${text}), '_', ' ')`;
}

/**
 * The same as searchText, as statements of a trigger that turn the variable `name` into its
 * search text. MariaDB compiles a regular expression each time a trigger's statement runs (about
 * a millisecond per pattern on this machine), even inside an IF() that does not take that branch:
 * so the regular expressions are a statement of their own, reached only by text holding CJK.
 */
export function mysqlSetSearchText(name: string): string {
  return [
    `SET ${name} = LEFT(COALESCE(${name}, ''), ${SEARCH_TEXT_MAX_CHARS});`,
    `IF ${hasCjkLeadByte(name)} THEN SET ${name} = ${regexSteps(name)}; END IF;`,
    `SET ${name} = REPLACE(${name}, '_', ' ');`,
  ].join('\n');
}
