import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { LOCAL_PART_PATTERN } from '../mail/address-policy';
import { SMTP_SECURITY, SmtpSecurity } from './email-settings.entity';
import { MultiLine, SingleLine } from '../common/validation';

/** PUT body: every field optional; null clears a nullable field. The password is write-only. */
export class UpdateEmailSettingsDto {
  @ApiPropertyOptional({ description: 'Send through the Mailu server (MAIL_DEV_SMTP_HOST) instead of smtp_host' })
  @IsOptional() @IsBoolean() use_docker_mail_server?: boolean;

  @ApiPropertyOptional({ pattern: LOCAL_PART_PATTERN.source, maxLength: 64 })
  @IsOptional() @IsString() @Matches(LOCAL_PART_PATTERN, {
    message: 'inbound_email_local_part must be lowercase letters, digits, ".", "_" or "-" (no "+"), at most 64 characters',
  })
  inbound_email_local_part?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 253 })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @Length(1, 253) @Matches(/^[A-Za-z0-9.-]+$/, { message: 'smtp_host must be a host name or IP address' })
  smtp_host?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: 65535 })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(1) @Max(65535) smtp_port?: number | null;

  @ApiPropertyOptional({ enum: SMTP_SECURITY })
  @IsOptional() @IsIn(SMTP_SECURITY) smtp_security?: SmtpSecurity;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 320 })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(320) smtp_username?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 1000, writeOnly: true, description: 'Write-only: never returned' })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @Length(1, 1000) smtp_password?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'email', maxLength: 320 })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsEmail({}, { message: 'from_address must be an e-mail address' }) @MaxLength(320) @SingleLine()
  from_address?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200 })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(200) @SingleLine()
  from_name?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, example: '{agent} at {team}', description: 'The From name of agents’ replies; {team} is from_name (or the tenant’s name); null: "{agent} at {team}"' })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(200) @SingleLine()
  reply_from_name_template?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000, description: 'Added under agents’ replies after "-- "; {agent} is the agent’s name' })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(2000) @MultiLine()
  reply_signature?: string | null;

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean() auto_acknowledge?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 10000, description: 'Placeholders: {{ticket_number}}, {{subject}}, {{requester_name}}' })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(10000) @MultiLine() auto_acknowledge_template?: string | null;
}
