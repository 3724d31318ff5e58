import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EmailProcessingLog } from './email-processing-log.entity';
import { InboundWriterRepository } from './inbound-writer.repository';
import { IngestFactsRepository } from './ingest-facts.repository';
import { IngestRoutesRepository } from './ingest-routes.repository';
import { IngestService } from './ingest.service';
import { SenderAuthenticationService } from './sender-authentication.service';
import { SenderDns } from './sender-dns';
import { ProcessingLogsController } from './processing-logs.controller';
import { ProcessingLogsRepository } from './processing-logs.repository';
import { ProcessingLogsService } from './processing-logs.service';
import { IngestLogRepository } from './ingest-log.repository';
import { HeldMailRelease } from './held-mail-release';
import { OperatorLogsController } from './operator-logs.controller';

@Module({
  imports: [TypeOrmModule.forFeature([EmailProcessingLog])],
  controllers: [ProcessingLogsController, OperatorLogsController],
  providers: [
    IngestService,
    IngestRoutesRepository,
    IngestFactsRepository,
    InboundWriterRepository,
    IngestLogRepository,
    ProcessingLogsService,
    ProcessingLogsRepository,
    HeldMailRelease,
    SenderAuthenticationService,
    SenderDns,
  ],
  exports: [IngestService],
})
export class InboundModule {}
