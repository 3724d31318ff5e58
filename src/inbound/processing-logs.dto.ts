import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import { INGEST_OUTCOMES, INGEST_SOURCES, IngestOutcome, IngestSource } from './email-processing-log.entity';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

export class ListProcessingLogsQuery {
  @ApiPropertyOptional({ enum: INGEST_OUTCOMES, description: 'The outcome' })
  @IsOptional() @IsIn(INGEST_OUTCOMES) status?: IngestOutcome;
  @ApiPropertyOptional({ enum: INGEST_SOURCES })
  @IsOptional() @IsIn(INGEST_SOURCES) source?: IngestSource;
  @ApiPropertyOptional({ format: 'date-time', description: 'ISO 8601 date or time' })
  @IsOptional() @IsISO8601({}, { message: 'from must be an ISO 8601 date or time' }) from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'ISO 8601 date or time' })
  @IsOptional() @IsISO8601({}, { message: 'to must be an ISO 8601 date or time' }) to?: string;
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) page?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200) per_page?: number;
}

export class OperatorLogsQuery extends ListProcessingLogsQuery {
  @ApiPropertyOptional({ description: 'A tenant id, or "none" for mail that reached no tenant' })
  @IsOptional() @Matches(/^(none|[1-9]\d{0,9})$/, { message: 'tenant_id must be a tenant id or "none"' }) tenant_id?: string;
}

export class AssignAndReprocessDto {
  @ApiPropertyOptional({ description: 'File the message for this tenant (required for mail that reached no tenant)' })
  @IsOptional() @IsInt() @Min(1) tenant_id?: number;
}
