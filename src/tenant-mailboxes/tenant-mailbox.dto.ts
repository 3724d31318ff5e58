import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { SingleLine } from '../common/validation';
import { MAILBOX_SECURITY, MailboxSecurity } from './tenant-mailbox.entity';

const HOST = /^[A-Za-z0-9.-]+$/;
const HOST_MESSAGE = { message: 'host must be a host name or IP address' };
const isImap = (o: { kind?: unknown }) => o.kind === 'imap';

/** POST body. Only `imap` is supported yet; other kinds (OAuth2 providers) answer 422. */
export class CreateTenantMailboxDto {
  @ApiProperty({ example: 'imap', description: 'Only "imap" for now; "microsoft365" and "google" answer 422' })
  @IsString() @Length(1, 40) kind: string;

  @ApiPropertyOptional({ maxLength: 253 })
  @ValidateIf(isImap) @IsString() @Length(1, 253) @Matches(HOST, HOST_MESSAGE) host?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 65535 })
  @ValidateIf(isImap) @IsInt() @Min(1) @Max(65535) port?: number;

  @ApiPropertyOptional({ enum: MAILBOX_SECURITY })
  @ValidateIf(isImap) @IsIn(MAILBOX_SECURITY) security?: MailboxSecurity;

  @ApiPropertyOptional({ maxLength: 320 })
  @ValidateIf(isImap) @IsString() @Length(1, 320) @SingleLine() username?: string;

  @ApiPropertyOptional({ maxLength: 1000, writeOnly: true, description: 'Write-only: never returned' })
  @ValidateIf(isImap) @IsString() @Length(1, 1000) password?: string;

  @ApiPropertyOptional({ maxLength: 200, default: 'INBOX' })
  @IsOptional() @IsString() @Length(1, 200) @SingleLine() folder?: string;
}

/** PATCH body: any field; a changed host, port, security or user name drops the stored password unless one is given. */
export class UpdateTenantMailboxDto {
  @ApiPropertyOptional({ maxLength: 253 })
  @IsOptional() @IsString() @Length(1, 253) @Matches(HOST, HOST_MESSAGE) host?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 65535 })
  @IsOptional() @IsInt() @Min(1) @Max(65535) port?: number;

  @ApiPropertyOptional({ enum: MAILBOX_SECURITY })
  @IsOptional() @IsIn(MAILBOX_SECURITY) security?: MailboxSecurity;

  @ApiPropertyOptional({ maxLength: 320 })
  @IsOptional() @IsString() @Length(1, 320) @SingleLine() username?: string;

  @ApiPropertyOptional({ maxLength: 1000, writeOnly: true, description: 'Write-only: never returned' })
  @IsOptional() @IsString() @Length(1, 1000) password?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional() @IsString() @Length(1, 200) @SingleLine() folder?: string;

  @ApiPropertyOptional({ description: 'false stops reading it (state "disabled")' })
  @IsOptional() @IsBoolean() enabled?: boolean;
}
