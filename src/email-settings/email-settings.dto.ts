import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { LOCAL_PART_PATTERN } from '../mail/address-policy';
import { SMTP_SECURITY, SmtpSecurity } from './email-settings.entity';
import { MultiLine, SingleLine } from '../common/validation';

/** PUT body: every field optional; null clears a nullable field. The password is write-only. */
export class UpdateEmailSettingsDto {
  @IsOptional() @IsBoolean() use_docker_mail_server?: boolean;

  @IsOptional() @IsString() @Matches(LOCAL_PART_PATTERN, {
    message: 'inbound_email_local_part must be lowercase letters, digits, ".", "_" or "-" (no "+"), at most 64 characters',
  })
  inbound_email_local_part?: string;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @Length(1, 253) @Matches(/^[A-Za-z0-9.-]+$/, { message: 'smtp_host must be a host name or IP address' })
  smtp_host?: string | null;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(1) @Max(65535) smtp_port?: number | null;

  @IsOptional() @IsIn(SMTP_SECURITY) smtp_security?: SmtpSecurity;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(320) smtp_username?: string | null;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @Length(1, 1000) smtp_password?: string | null;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsEmail({}, { message: 'from_address must be an e-mail address' }) @MaxLength(320) @SingleLine()
  from_address?: string | null;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(200) @SingleLine()
  from_name?: string | null;

  @IsOptional() @IsBoolean() auto_acknowledge?: boolean;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(10000) @MultiLine() auto_acknowledge_template?: string | null;
}
