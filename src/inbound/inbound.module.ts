import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EmailProcessingLog } from './email-processing-log.entity';
import { IngestRepository } from './ingest.repository';
import { IngestService } from './ingest.service';
import { ProcessingLogsController } from './processing-logs.controller';
import { ProcessingLogsService } from './processing-logs.service';
import { SignedWebhookBodies } from './signed-webhook-bodies';
import { WebhookController } from './webhook.controller';

@Module({
  imports: [TypeOrmModule.forFeature([EmailProcessingLog])],
  controllers: [WebhookController, ProcessingLogsController],
  providers: [IngestService, IngestRepository, ProcessingLogsService, SignedWebhookBodies],
  exports: [IngestService],
})
export class InboundModule {}
