const PREVIEW_LENGTH = 160;
/** Characters of a message's text read for its preview: enough for a first line after blank ones. */
export const PREVIEW_SOURCE_LENGTH = 600;

/** The line shown under a ticket's subject in the list: the first non-blank line of the text, squeezed. */
export function previewLine(text: string | null): string {
  if (!text) return '';
  const line = text.split(/\r?\n/).map((l) => l.replace(/\s+/g, ' ').trim()).find((l) => l !== '' && !/^>/.test(l)) ?? '';
  return line.length > PREVIEW_LENGTH ? `${line.slice(0, PREVIEW_LENGTH - 1).trimEnd()}…` : line;
}
