import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Attachment } from './attachment.entity';
import { MailFrameController } from './mail-frame.controller';
import { MailFrameService } from './mail-frame.service';
import { RemoteImageSender } from './remote-image-sender.entity';
import { RemoteImageSendersController } from './remote-image-senders.controller';
import { RemoteImageSendersRepository } from './remote-image-senders.repository';
import { RemoteImageSendersService } from './remote-image-senders.service';
import { Ticket } from './ticket.entity';
import { TicketMessage } from './ticket-message.entity';
import { TicketMessagesRepository } from './ticket-messages.repository';
import { CannedRepliesController, CannedRepliesService } from './canned-replies.controller';
import { CannedReply } from './canned-reply.entity';
import { ReplyDraft } from './reply-draft.entity';
import { ReplyDraftsController } from './reply-drafts.controller';
import { ReplyDraftsService } from './reply-drafts.service';
import { TicketNote } from './ticket-note.entity';
import { TicketPresenceController, TicketPresenceService } from './ticket-presence.controller';
import { TicketNotesController } from './ticket-notes.controller';
import { TicketNotesService } from './ticket-notes.service';
import { TicketsController } from './tickets.controller';
import { TicketsRepository } from './tickets.repository';
import { TicketsService } from './tickets.service';
import { TicketSearchRepository } from './ticket-search.repository';
import { TicketSummariesRepository } from './ticket-summaries.repository';

@Module({
  imports: [TypeOrmModule.forFeature([Ticket, TicketMessage, Attachment, RemoteImageSender, TicketNote, ReplyDraft, CannedReply])],
  controllers: [
    TicketsController,
    MailFrameController,
    RemoteImageSendersController,
    TicketNotesController,
    ReplyDraftsController,
    CannedRepliesController,
    TicketPresenceController,
  ],
  providers: [
    TicketsService,
    TicketsRepository,
    TicketMessagesRepository,
    TicketSummariesRepository,
    TicketSearchRepository,
    MailFrameService,
    RemoteImageSendersService,
    RemoteImageSendersRepository,
    TicketNotesService,
    ReplyDraftsService,
    CannedRepliesService,
    TicketPresenceService,
  ],
  exports: [TicketsRepository, TicketMessagesRepository],
})
export class TicketsModule {}
