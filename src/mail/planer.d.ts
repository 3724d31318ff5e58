// planer 1.2.0 ships no types. Only its line-marking steps are used (see strip-quotes.ts).
declare module 'planer' {
  /** One marker per line: e(mpty), m(quoted), s(plitter), f(orward), t(ext). */
  export function markMessageLines(lines: string[]): string;
  export function processMarkedLines(
    lines: string[],
    markers: string,
    returnFlags?: { wereLinesDeleted?: boolean; firstLine?: number; lastLine?: number },
  ): string[];
}
