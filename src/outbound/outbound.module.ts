import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EmailSettingsModule } from '../email-settings/email-settings.module';
import { TenantsModule } from '../tenants/tenants.module';
import { TicketsModule } from '../tickets/tickets.module';
import { OutboundController } from './outbound.controller';
import { OutboxEntry } from './outbox-entry.entity';
import { OutboxMetrics } from './outbox-metrics';
import { OutboxSchedule } from './outbox-schedule';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { RepliesService } from './replies.service';
import { SmtpSenderService } from './smtp-sender.service';
import { SmtpTestService } from './smtp-test.service';
import { SystemMailService } from './system-mail.service';

@Module({
  imports: [EmailSettingsModule, TenantsModule, TicketsModule, TypeOrmModule.forFeature([OutboxEntry])],
  controllers: [OutboundController],
  providers: [OutboxRepository, OutboxService, OutboxSchedule, OutboxMetrics, SmtpSenderService, RepliesService, SmtpTestService, SystemMailService],
  exports: [OutboxService, SystemMailService],
})
export class OutboundModule {}
