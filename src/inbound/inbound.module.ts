import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EmailProcessingLog } from './email-processing-log.entity';
import { IngestRepository } from './ingest.repository';
import { IngestService } from './ingest.service';
import { ProcessingLogsController } from './processing-logs.controller';
import { ProcessingLogsRepository } from './processing-logs.repository';
import { ProcessingLogsService } from './processing-logs.service';

@Module({
  imports: [TypeOrmModule.forFeature([EmailProcessingLog])],
  controllers: [ProcessingLogsController],
  providers: [IngestService, IngestRepository, ProcessingLogsService, ProcessingLogsRepository],
  exports: [IngestService],
})
export class InboundModule {}
