import { Module } from '@nestjs/common';
import { InboundModule } from '../inbound/inbound.module';
import { ImapSourceService } from './imap/imap-source.service';
import { MailboxCheckpointRepository } from './imap/mailbox-checkpoint.repository';
import { MaildirSourceService } from './maildir/maildir-source.service';

/**
 * The IMAP and Maildir sources. Each starts only when EMAIL_PROCESSING_METHOD names it
 * (`imap`, `file_monitor`); the webhook lives in InboundModule.
 */
@Module({
  imports: [InboundModule],
  providers: [ImapSourceService, MaildirSourceService, MailboxCheckpointRepository],
})
export class SourcesModule {}
