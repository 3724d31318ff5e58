/**
 * The subject prefixes Exchange and Outlook put in front of an automatic (out-of-office or
 * inbox-rule) reply, in the languages Exchange ships, from the mailbox's language. Older
 * versions (Exchange 2003/2007) wrote "Out of Office AutoReply:" and "Abwesenheitsnotiz:".
 * Only together with an Exchange header (isExchangeAutoReply) do they mark an auto-reply: a
 * person may write "Automatic reply:" in a subject too.
 */
export const EXCHANGE_AUTO_REPLY_PREFIXES: readonly { language: string; prefix: string }[] = [
  { language: 'en', prefix: 'Automatic reply' },
  { language: 'en (Exchange 2003/2007)', prefix: 'Out of Office AutoReply' },
  { language: 'en (Exchange 2007)', prefix: 'Out of Office' },
  { language: 'de', prefix: 'Automatische Antwort' },
  { language: 'de (Exchange 2007)', prefix: 'Abwesenheitsnotiz' },
  { language: 'fr', prefix: 'Réponse automatique' },
  { language: 'es', prefix: 'Respuesta automática' },
  { language: 'it', prefix: 'Risposta automatica' },
  { language: 'pt', prefix: 'Resposta automática' },
  { language: 'ca', prefix: 'Resposta automàtica' },
  { language: 'gl', prefix: 'Resposta automática' },
  { language: 'eu', prefix: 'Erantzun automatikoa' },
  { language: 'nl', prefix: 'Automatisch antwoord' },
  { language: 'sv', prefix: 'Automatiskt svar' },
  { language: 'da, nb', prefix: 'Automatisk svar' },
  { language: 'nn', prefix: 'Automatisk svar' },
  { language: 'is', prefix: 'Sjálfvirkt svar' },
  { language: 'fi', prefix: 'Automaattinen vastaus' },
  { language: 'et', prefix: 'Automaatvastus' },
  { language: 'lv', prefix: 'Automātiskā atbilde' },
  { language: 'lt', prefix: 'Automatinis atsakymas' },
  { language: 'pl', prefix: 'Odpowiedź automatyczna' },
  { language: 'cs', prefix: 'Automatická odpověď' },
  { language: 'sk', prefix: 'Automatická odpoveď' },
  { language: 'hu', prefix: 'Automatikus válasz' },
  { language: 'ro', prefix: 'Răspuns automat' },
  { language: 'sl', prefix: 'Samodejni odgovor' },
  { language: 'hr, bs, sr-Latn', prefix: 'Automatski odgovor' },
  { language: 'sr-Cyrl', prefix: 'Аутоматски одговор' },
  { language: 'bg', prefix: 'Автоматичен отговор' },
  { language: 'mk', prefix: 'Автоматски одговор' },
  { language: 'ru', prefix: 'Автоматический ответ' },
  { language: 'uk', prefix: 'Автоматична відповідь' },
  { language: 'el', prefix: 'Αυτόματη απάντηση' },
  { language: 'tr', prefix: 'Otomatik yanıt' },
  { language: 'he', prefix: 'תשובה אוטומטית' },
  { language: 'ar', prefix: 'رد تلقائي' },
  { language: 'fa', prefix: 'پاسخ خودکار' },
  { language: 'hi', prefix: 'स्वचालित उत्तर' },
  { language: 'th', prefix: 'ตอบกลับอัตโนมัติ' },
  { language: 'vi', prefix: 'Trả lời tự động' },
  { language: 'id', prefix: 'Balasan otomatis' },
  { language: 'ms', prefix: 'Balasan automatik' },
  { language: 'ja', prefix: '自動応答' },
  { language: 'zh-Hans', prefix: '自动回复' },
  { language: 'zh-Hant', prefix: '自動回覆' },
  { language: 'ko', prefix: '자동 회신' },
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Any whitespace (French writes a no-break space before the colon), an ASCII or full-width colon.
const PREFIX = new RegExp(
  `^\\s*(?:${[...new Set(EXCHANGE_AUTO_REPLY_PREFIXES.map((p) => p.prefix))]
    .map((p) => escape(p).replace(/ /g, '\\s+'))
    .join('|')})\\s*[:：]`,
  'iu',
);

/** The localised prefix the subject starts with, or null. */
export function exchangeAutoReplyPrefix(subject: string): string | null {
  return PREFIX.exec(subject.normalize('NFC'))?.[0].trim() ?? null;
}
