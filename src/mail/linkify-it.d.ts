// linkify-it 5 (a mailparser dependency, now a direct one) ships no types; only match() is used.
declare module 'linkify-it' {
  interface Match {
    schema: string;
    index: number;
    lastIndex: number;
    text: string;
    url: string;
  }
  interface LinkifyIt {
    match(text: string): Match[] | null;
  }
  function linkify(): LinkifyIt;
  export = linkify;
}
