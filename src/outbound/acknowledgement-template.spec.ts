import { DEFAULT_ACKNOWLEDGEMENT_TEMPLATE, renderAcknowledgement } from './acknowledgement-template';

const values = { ticketNumber: 42, subject: 'Printer on fire', requesterName: 'Jane Doe' };

describe('renderAcknowledgement', () => {
  it('fills the placeholders of a tenant template, with or without spaces inside the braces', () => {
    expect(renderAcknowledgement('Got "{{ subject }}" as #{{ticket_number}}, {{requester_name}}.', values)).toBe(
      'Got "Printer on fire" as #42, Jane Doe.',
    );
  });

  it('keeps an unknown placeholder visible', () => {
    expect(renderAcknowledgement('Ticket {{ticket_numbr}}', values)).toBe('Ticket {{ticket_numbr}}');
  });

  it.each([null, '', '   \n'])('falls back to the default template for %p', (template) => {
    const text = renderAcknowledgement(template, values);
    expect(text).toContain('Hello Jane Doe,');
    expect(text).toContain('"Printer on fire"');
    expect(text).toContain('ticket #42');
    expect(text).toContain('[#42]');
    expect(text).not.toMatch(/\{\{/);
  });

  it('greets without a name when the requester gave none', () => {
    expect(renderAcknowledgement(DEFAULT_ACKNOWLEDGEMENT_TEMPLATE, { ...values, requesterName: null })).toMatch(/^Hello,\n/);
  });

  it('does not expand placeholders that come from the subject itself', () => {
    expect(renderAcknowledgement('{{subject}}', { ...values, subject: '{{ticket_number}}' })).toBe('{{ticket_number}}');
  });
});
