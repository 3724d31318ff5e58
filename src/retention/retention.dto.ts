import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsInt, IsOptional, Max, MaxLength, Min, ValidateIf } from 'class-validator';

const DAYS = { type: 'integer', minimum: 1, maximum: 36_500, nullable: true } as const;

/** Days to keep each kind; null keeps it forever, a missing field keeps the current value. */
export class RetentionPolicyDto {
  @ApiPropertyOptional({ ...DAYS, description: 'Raw messages (.eml) older than this are deleted; their tickets and log rows stay' })
  @IsOptional() @ValidateIf((_o, v) => v !== null) @IsInt() @Min(1) @Max(36_500) raw_message_days?: number | null;

  @ApiPropertyOptional({ ...DAYS, description: 'Processing-log rows older than this are deleted' })
  @IsOptional() @ValidateIf((_o, v) => v !== null) @IsInt() @Min(1) @Max(36_500) processing_log_days?: number | null;

  @ApiPropertyOptional({ ...DAYS, description: 'Closed tickets without activity for this long are deleted with their messages and attachments' })
  @IsOptional() @ValidateIf((_o, v) => v !== null) @IsInt() @Min(1) @Max(36_500) closed_ticket_days?: number | null;
}

export class ErasureRequestDto {
  @ApiProperty({ example: 'customer@example.com', description: 'The customer address, within the caller’s tenant' })
  @IsEmail({}, { message: 'email must be an e-mail address' }) @MaxLength(320) email: string;
}
