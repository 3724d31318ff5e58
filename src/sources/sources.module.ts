import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InboundModule } from '../inbound/inbound.module';
import { ImapSourceService } from './imap/imap-source.service';
import { MailboxCheckpoint } from './imap/mailbox-checkpoint.entity';
import { MailboxCheckpointRepository } from './imap/mailbox-checkpoint.repository';
import { MaildirSourceService } from './maildir/maildir-source.service';
import { SignedWebhookBodies } from './webhook/signed-webhook-bodies';
import { WebhookController } from './webhook/webhook.controller';

/**
 * The three ways mail comes in, each handing raw bytes to the one ingest pipeline. IMAP and
 * Maildir start only when EMAIL_PROCESSING_METHOD names them (`imap`, `file_monitor`); the
 * webhook answers 404 unless it names `webhook`.
 */
@Module({
  imports: [InboundModule, TypeOrmModule.forFeature([MailboxCheckpoint])],
  controllers: [WebhookController],
  providers: [ImapSourceService, MaildirSourceService, MailboxCheckpointRepository, SignedWebhookBodies],
  exports: [MailboxCheckpointRepository],
})
export class SourcesModule {}
