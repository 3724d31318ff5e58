import { markMessageLines, processMarkedLines } from 'planer';
import { emailHtmlToText } from './sanitize-html';

/**
 * planer (a port of Mailgun's talon) marks each line as text, quote, splitter ("On ...
 * wrote:", "-----Original Message-----", Outlook's "From: ... Sent: ...") and then cuts the
 * quotation out. Its splitter regexes backtrack cubically on hostile lines ("On , On , ..."
 * of 4 kB took 6 s), and it runs on the event loop, so it only ever sees a bounded copy:
 * planer's own limit of lines, each line cut short, and lines that cannot be an attribution
 * but would feed the backtracking replaced by a plain word. The cut is then applied to the
 * real lines, which keep their full length.
 */
const MAX_MARKED_LINES = 1000;
const MAX_MARKED_LINE_LENGTH = 200;
const ATTRIBUTION_STARTERS = /(?:^|[^\p{L}])(?:On|Le|W dniu|Op|Am|På|Den) /gu;
const MAX_COMMAS_IN_ATTRIBUTION = 8;

/**
 * The text the sender wrote in this message, without the quoted history below (or around)
 * it. Falls back to the HTML, reduced to text, when the message has no text part.
 */
export function extractNewText(text: string, html?: string | null): string {
  const source = text.trim() !== '' ? text : html ? emailHtmlToText(html, { dropQuotes: true }) : '';
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const head = lines.slice(0, MAX_MARKED_LINES);
  const flags: { wereLinesDeleted?: boolean; lastLine?: number } = {};
  const kept = processMarkedLines(head, markMessageLines(head.map(boundedForMarking)), flags);
  if (!flags.wereLinesDeleted) return source.trim();
  // A quotation that ends inside the marked head has the sender's text after it; one that
  // runs to the end of the head goes on to the end of the message.
  const tail = flags.lastLine !== undefined && flags.lastLine < head.length ? lines.slice(MAX_MARKED_LINES) : [];
  const newText = [...kept, ...tail].join('\n').trim();
  // Nothing of one's own above a quote (a bare forward, a click on "reply"): the quote is the message.
  return newText === '' ? source.trim() : newText;
}

function boundedForMarking(line: string): string {
  const short = line.slice(0, MAX_MARKED_LINE_LENGTH);
  const starters = short.match(ATTRIBUTION_STARTERS)?.length ?? 0;
  const commas = short.split(',').length - 1;
  const cannotBeAttribution = starters >= 3 || (starters > 0 && commas > MAX_COMMAS_IN_ATTRIBUTION);
  if (!cannotBeAttribution) return short;
  return short.startsWith('>') ? '> text' : 'text';
}
