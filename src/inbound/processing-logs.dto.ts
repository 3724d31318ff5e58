import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { INGEST_OUTCOMES, INGEST_SOURCES, IngestOutcome, IngestSource } from './email-processing-log.entity';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

export class ListProcessingLogsQuery {
  @IsOptional() @IsIn(INGEST_OUTCOMES) status?: IngestOutcome;
  @IsOptional() @IsIn(INGEST_SOURCES) source?: IngestSource;
  @IsOptional() @IsISO8601({}, { message: 'from must be an ISO 8601 date or time' }) from?: string;
  @IsOptional() @IsISO8601({}, { message: 'to must be an ISO 8601 date or time' }) to?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) page?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200) per_page?: number;
}
