import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The shared corpus of real-world mail (see SOURCES.md there) and its manifest of facts. */
export const CORPUS = join(__dirname, '..', 'fixtures', 'corpus');

export interface ManifestEntry {
  file: string;
  category: string;
  expect: {
    subject?: string | null;
    from?: string | null;
    message_id?: string | null;
    in_reply_to?: string | null;
    references_count?: number;
    attachment_count?: number;
    inline_count?: number;
    is_auto_reply?: boolean;
    is_bounce?: boolean;
    notes?: string;
  };
}

export function readManifest(): ManifestEntry[] {
  return JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as ManifestEntry[];
}

/**
 * Where we differ from a fact of the corpus manifest on purpose, or because of a known parser
 * behaviour: what we give instead and why. Both corpus tests (parse level and through the
 * webhook) hold us to these values.
 */
export type Fact = 'subject' | 'from' | 'message_id' | 'in_reply_to' | 'references_count' | 'attachment_count' | 'inline_count' | 'is_auto_reply' | 'is_bounce';

export const DEVIATIONS: Record<string, Partial<Record<Fact, { ours: unknown; why: string }>>> = {
  'malformed/zammad__mail046.eml': {
    subject: {
      ours: '×ª·¢£ºÕûÌåÌáÉýÆóÒµ·þÎñË®Æ½',
      why: 'raw GBK bytes and no charset declared for them (the body says iso-8859-1); only charset sniffing, as Zammad does, recovers it. We read windows-1252 rather than U+FFFD.',
    },
  },
  'malformed/zammad__mail093.eml': {
    subject: { ours: 'c[', why: 'raw Shift_JIS bytes, no charset declared; as mail046. The C1 control characters that decoding leaves are dropped.' },
  },
  'malformed/mikel-mail__example13.eml': {
    from: { ours: null, why: 'obsolete "From  :" (whitespace before the colon) is not read by mailparser; RFC 5322 obsolete syntax.' },
  },
  'spam/zammad__mail071.eml': {
    from: {
      ours: 'system@example.com',
      why: 'From: "your secret past" <power quadrant system@example.com> has spaces in the local part; addressparser keeps the last word. Undeliverable either way.',
    },
  },
  'bounces/sisimai__lhost-fml-02.eml': {
    is_bounce: { ours: false, why: 'an fml mailing-list "you are not a member" notice: no DSN, no daemon sender, no X-Failed-Recipients; sisimai counts it, design.md does not.' },
  },
  'bounces/sisimai__lhost-kddi-01.eml': {
    is_bounce: { ours: false, why: 'a KDDI error notice from no-reply@ with a plain text body: none of the bounce signals of design.md.' },
  },
  'lookalikes/sisimai__rb-issue-368-bug.eml': {
    is_bounce: { ours: true, why: 'sender postmaster@, a bounce signal of design.md; sisimai says it is none. It is ignored unless it names one of our messages.' },
  },
};
