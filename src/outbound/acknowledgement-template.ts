/** Used when the tenant switched acknowledgements on without writing a template of its own. */
export const DEFAULT_ACKNOWLEDGEMENT_TEMPLATE = [
  'Hello{{requester_name_prefixed}},',
  '',
  'thank you for your message "{{subject}}". We have received it as ticket #{{ticket_number}}',
  'and will get back to you as soon as possible.',
  '',
  'Please keep [#{{ticket_number}}] in the subject if you write to us about this again;',
  'replying to this message does that for you.',
  '',
  'This is an automatic message.',
].join('\n');

interface AcknowledgementValues {
  ticketNumber: number;
  subject: string;
  requesterName: string | null;
}

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;

/**
 * Fills `{{ticket_number}}`, `{{subject}}` and `{{requester_name}}`; unknown placeholders stay
 * as written so that a typo is visible in the mail rather than silently dropped.
 */
export function renderAcknowledgement(template: string | null, values: AcknowledgementValues): string {
  const source = template && template.trim() ? template : DEFAULT_ACKNOWLEDGEMENT_TEMPLATE;
  const name = values.requesterName?.trim() ?? '';
  const known: Record<string, string> = {
    ticket_number: String(values.ticketNumber),
    subject: values.subject,
    requester_name: name,
    requester_name_prefixed: name ? ` ${name}` : '',
  };
  return source.replace(PLACEHOLDER, (whole, key: string) => (key in known ? known[key] : whole));
}
