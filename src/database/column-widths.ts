/**
 * The widths of the VARCHAR columns that take text from outside (mail headers, file names,
 * source references), as the create-schema migration declares them. Code that shortens a value
 * to fit a column takes the width from here, so the schema's numbers live in one place besides
 * the migration itself.
 */
export const COLUMN_WIDTHS = {
  tickets: { subject: 500, requesterEmail: 320, requesterName: 200 },
  ticketMessages: { messageId: 255, inReplyTo: 255, fromAddress: 320, fromName: 200, subject: 500, threadTopic: 500, threadIndex: 500 },
  attachments: { filename: 255, contentType: 255, contentId: 255 },
  emailProcessingLogs: { sourceRef: 500, reason: 500, messageId: 255, fromAddress: 320, subject: 500 },
  outbox: { recipient: 320 },
} as const;

/**
 * TEXT columns hold far more, but of a delivery detail, an SMTP answer, an error or a list of
 * recipients we keep this much.
 */
export const TEXT_EXCERPT_LENGTH = 5000;

/** The value shortened to `width` characters, its last one an ellipsis when something was cut. */
export function fitColumn(value: string, width: number): string {
  return value.length <= width ? value : value.slice(0, width - 1) + '…';
}
