import { IngestFacts } from '../../src/mail/ingest-decision';

/** What the database knows of a first message from a stranger: nothing. */
export const NOTHING_KNOWN: IngestFacts = {
  duplicate: null,
  referencedTicketIds: [],
  replyTokenTicketId: null,
  subjectTagTicket: null,
  senderIsOurAddress: false,
  messagesReceivedToday: 0,
  senderLastMailWasAutoReply: false,
  acknowledgementsToSenderLastHour: 0,
  bouncedOutbound: null,
};
