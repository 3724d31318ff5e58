import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Attachment } from './attachment.entity';
import { Ticket } from './ticket.entity';
import { TicketMessage } from './ticket-message.entity';
import { TicketMessagesRepository } from './ticket-messages.repository';
import { TicketsController } from './tickets.controller';
import { TicketsRepository } from './tickets.repository';
import { TicketsService } from './tickets.service';
import { TicketSearchRepository } from './ticket-search.repository';

@Module({
  imports: [TypeOrmModule.forFeature([Ticket, TicketMessage, Attachment])],
  controllers: [TicketsController],
  providers: [TicketsService, TicketsRepository, TicketMessagesRepository, TicketSearchRepository],
  exports: [TicketsRepository, TicketMessagesRepository],
})
export class TicketsModule {}
