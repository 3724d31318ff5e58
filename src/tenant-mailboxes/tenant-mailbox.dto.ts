import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { SingleLine } from '../common/validation';
import { MAILBOX_SECURITY, MailboxSecurity } from './tenant-mailbox.entity';

const HOST = /^[A-Za-z0-9.-]+$/;
const HOST_MESSAGE = { message: 'host must be a host name or IP address' };
const isImap = (o: { kind?: unknown }) => o.kind === 'imap';
/** Required for "imap"; for an OAuth2 kind optional (the provider's own IMAP server by default). */
const givenOrImap = (o: { kind?: unknown }, value: unknown) => isImap(o) || value !== undefined;

/**
 * POST body. "imap" needs the server and the password; "microsoft365" and "google" answer with
 * an authorize_url to open in the same browser, and may name the provider's IMAP server and a
 * tenant's own app registration (oauth_*).
 */
export class CreateTenantMailboxDto {
  @ApiProperty({ enum: ['imap', 'microsoft365', 'google'] })
  @IsString() @Length(1, 40) kind: string;

  @ApiPropertyOptional({ maxLength: 253, description: 'OAuth2 kinds: the provider’s IMAP server by default' })
  @ValidateIf(givenOrImap) @IsString() @Length(1, 253) @Matches(HOST, HOST_MESSAGE) host?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 65535 })
  @ValidateIf(givenOrImap) @IsInt() @Min(1) @Max(65535) port?: number;

  @ApiPropertyOptional({ enum: MAILBOX_SECURITY })
  @ValidateIf(givenOrImap) @IsIn(MAILBOX_SECURITY) security?: MailboxSecurity;

  @ApiPropertyOptional({ maxLength: 320, description: 'OAuth2 kinds: the address to sign in as (a hint); the provider’s answer decides' })
  @ValidateIf(givenOrImap) @IsString() @Length(1, 320) @SingleLine() username?: string;

  @ApiPropertyOptional({ maxLength: 1000, writeOnly: true, description: 'Write-only: never returned' })
  @ValidateIf(isImap) @IsString() @Length(1, 1000) password?: string;

  @ApiPropertyOptional({ maxLength: 200, default: 'INBOX' })
  @IsOptional() @IsString() @Length(1, 200) @SingleLine() folder?: string;

  @ApiPropertyOptional({ maxLength: 255, description: 'OAuth2 kinds: a tenant’s own app (e.g. a single-tenant Entra app) instead of the platform’s' })
  @IsOptional() @IsString() @Length(1, 255) @SingleLine() oauth_client_id?: string;

  @ApiPropertyOptional({ maxLength: 1000, writeOnly: true, description: 'With oauth_client_id; write-only' })
  @IsOptional() @IsString() @Length(1, 1000) oauth_client_secret?: string;

  @ApiPropertyOptional({ maxLength: 1000, description: 'The app’s authorize endpoint, e.g. https://login.microsoftonline.com/<tenant>/oauth2/v2.0/authorize' })
  @IsOptional() @IsString() @Length(1, 1000) oauth_authorize_url?: string;

  @ApiPropertyOptional({ maxLength: 1000, description: 'The app’s token endpoint (https; obeys the egress rules)' })
  @IsOptional() @IsString() @Length(1, 1000) oauth_token_url?: string;
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

  @ApiPropertyOptional({ description: 'Microsoft 365 and Google: the tenant’s replies leave through this mailbox’s provider (SMTP with XOAUTH2, From the mailbox’s address) instead of the SMTP settings' })
  @IsOptional() @IsBoolean() send_replies?: boolean;
}
