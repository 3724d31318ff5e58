import { ApiProperty } from '@nestjs/swagger';
import { INGEST_OUTCOMES, IngestOutcome } from '../../inbound/email-processing-log.entity';

/** The webhook's answer, described for the OpenAPI document. */
export class WebhookTenantResult {
  @ApiProperty({ type: Number, nullable: true }) tenant_id: number | null;
  @ApiProperty({ enum: INGEST_OUTCOMES }) outcome: IngestOutcome;
  @ApiProperty({ type: Number, nullable: true }) ticket_id: number | null;
  @ApiProperty({ type: Number, nullable: true }) ticket_number: number | null;
  @ApiProperty({ type: Number, nullable: true }) log_id: number | null;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
}

export class WebhookResult {
  @ApiProperty({ enum: INGEST_OUTCOMES, description: 'The first tenant’s outcome' }) outcome: IngestOutcome;
  @ApiProperty({ type: Number, nullable: true }) ticket_id: number | null;
  @ApiProperty({ type: Number, nullable: true }) ticket_number: number | null;
  @ApiProperty({ type: Number, nullable: true }) log_id: number | null;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ type: [WebhookTenantResult], description: 'One entry per tenant the message was routed to' }) results: WebhookTenantResult[];
}
