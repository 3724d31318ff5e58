import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMessage } from './parse-message';
import { extractNewText } from './strip-quotes';

const REPLIES = join(__dirname, '../../test/fixtures/corpus/replies');
const GOLDEN = join(__dirname, '../../test/fixtures/new-text');

/**
 * The goldens in test/fixtures/new-text were written by extractNewText once and then read
 * next to each .eml by hand. Where the result is not what a person would cut, it says why
 * here, so that a change of behaviour there shows up as a diff to review, not as a surprise.
 */
const KNOWN_IMPERFECTIONS: Record<string, string> = {
  'talon__thunderbird.eml':
    'format=flowed: "> Hi " ends in a space, and libmime (under mailparser) joins the next, unquoted line "Hello" into the ' +
    'quote, ignoring RFC 3676 quote depth. Only a quote is left, so the whole text is kept rather than nothing.',
  'zammad__mail007.eml':
    'HTML-only Lotus Notes reply whose quoted header is a table ("Von:" with no space after the colon): no splitter ' +
    'pattern matches, so the quoted mail stays.',
  'zammad__mail036.eml': 'A forward ("Fw:") with no text of its own: the forwarded mail is the content and is kept.',
  'flanker__multi-received-headers.eml': 'A forward: planer keeps everything below "---------- Forwarded message ----------".',
};

const replyFiles = readdirSync(REPLIES)
  .filter((file) => file.endsWith('.eml'))
  .sort();

describe('extractNewText over the corpus replies (golden files)', () => {
  it('has a golden file for every reply', () => {
    expect(replyFiles).toHaveLength(29);
  });

  it.each(replyFiles)('%s', async (file) => {
    const parsed = await parseMessage(readFileSync(join(REPLIES, file)));
    const golden = readFileSync(join(GOLDEN, file.replace(/\.eml$/, '.txt')), 'utf8').replace(/\n$/, '');
    expect(extractNewText(parsed.text, parsed.html)).toBe(golden);
  });

  it.each(Object.keys(KNOWN_IMPERFECTIONS))('documents why %s is imperfect', (file) => {
    expect(replyFiles).toContain(file);
  });

  it.each<[string, string]>([
    ['talon__gmail.eml', 'Hello'],
    ['talon__outlook.eml', 'Hello'],
    ['talon__apple_mail.eml', 'Hello'],
    ['talon__yahoo.eml', 'Hello'],
    ['talon__android.eml', 'Hello'],
    ['talon__iphone.eml', 'Hello\n\nSent from my iPhone'],
    ['zammad__mail013.eml', 'JA'],
  ])('cuts %s down to what was written (checked by hand)', async (file, expected) => {
    const parsed = await parseMessage(readFileSync(join(REPLIES, file)));
    expect(extractNewText(parsed.text, parsed.html)).toBe(expected);
  });
});

describe('extractNewText', () => {
  it.each<[string, string, string]>([
    ['no quote at all', 'Just a question.\nThanks', 'Just a question.\nThanks'],
    ['Gmail attribution', 'Yes, please.\n\nOn Tue, Jul 1, 2025 at 10:00 AM Ann <ann@example.org> wrote:\n> Shall we?\n> Ann', 'Yes, please.'],
    ['attribution wrapped over two lines', 'Fine.\n\nOn Tue, Jul 1, 2025 at 10:00 AM Support Team <support@mail.example.com>\nwrote:\n> Old\n> text', 'Fine.'],
    ['Outlook original message', 'Done.\r\n\r\n-----Original Message-----\r\nFrom: Ann\r\nSent: Tuesday\r\nSubject: x\r\n\r\nold', 'Done.'],
    ['German attribution', 'Danke!\n\nAm 01.07.2025 um 10:00 schrieb Ann <ann@example.org>:\n> Alt', 'Danke!'],
    ['text below the quote', 'On 04/19/2011 07:10 AM, Roman wrote:\n\n>\n> Test\nTest reply', 'Test reply'],
    ['inline answers between quotes are kept', '> Question one?\nAnswer one.\n> Question two?\nAnswer two.', '> Question one?\nAnswer one.\n> Question two?\nAnswer two.'],
    ['only a quote', '> quoted\n> only', '> quoted\n> only'],
    ['empty', '', ''],
  ])('%s', (_, text, expected) => {
    expect(extractNewText(text)).toBe(expected);
  });

  it('uses the HTML when there is no text, without the quoted <blockquote>', () => {
    const html = '<div>New words &amp; more</div><div class="gmail_quote">On Tue, Jul 1, 2025 at 10:00 AM Ann &lt;ann@example.org&gt; wrote:<br><blockquote>old words</blockquote></div>';
    expect(extractNewText('', html)).toBe('New words & more');
  });

  it('keeps the text after line 1000 when the quotation ended before it', () => {
    const body = ['On Tue, Jul 1, 2025 at 10:00 AM Ann <ann@example.org> wrote:', '', '> old', '> older', 'reply', ...Array.from({ length: 1500 }, (_, i) => `line ${i}`)].join('\n');
    const result = extractNewText(body);
    expect(result.startsWith('reply\nline 0')).toBe(true);
    expect(result.endsWith('line 1499')).toBe(true);
  });

  it('drops a quotation that runs past line 1000 to the end', () => {
    const body = ['reply', '', 'On Tue, Jul 1, 2025 at 10:00 AM Ann <ann@example.org> wrote:', ...Array.from({ length: 1500 }, (_, i) => `> ${i}`)].join('\n');
    expect(extractNewText(body)).toBe('reply');
  });

  it.each<[string, string]>([
    ['one 1 MB line of "On , "', 'On , '.repeat(200_000)],
    ['2,000 lines of "On , On , ..."', `${'On , '.repeat(40)}\n`.repeat(2000)],
    ['attribution starters with many commas', `On ${','.repeat(197)}\n`.repeat(1000)],
    ['2 MB of spaces', `${' '.repeat(2_000_000)}x`],
  ])('stays fast on hostile input: %s (planer alone took 6 s on 4 kB)', (_, text) => {
    const started = Date.now();
    extractNewText(text);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
