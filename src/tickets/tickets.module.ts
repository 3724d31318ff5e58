import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Attachment } from './attachment.entity';
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

@Module({
  imports: [TypeOrmModule.forFeature([Ticket, TicketMessage, Attachment, TicketNote, ReplyDraft, CannedReply])],
  controllers: [TicketsController, TicketNotesController, ReplyDraftsController, CannedRepliesController, TicketPresenceController],
  providers: [TicketsService, TicketsRepository, TicketMessagesRepository, TicketNotesService, ReplyDraftsService, CannedRepliesService, TicketPresenceService],
  exports: [TicketsRepository, TicketMessagesRepository],
})
export class TicketsModule {}
