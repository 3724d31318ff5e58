import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBase64,
  IsEmail,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { MultiLine, SingleLine } from '../common/validation';

export class ReplyAttachmentDto {
  @ApiProperty({ maxLength: 255, example: 'invoice.pdf' })
  @IsString() @Length(1, 255) @Matches(/^[^\r\n\\/\x00]+$/, { message: 'filename must be a plain file name (no path, no line break)' })
  filename: string;

  @ApiProperty({ maxLength: 255, example: 'application/pdf' })
  @IsString() @MaxLength(255) @Matches(/^[\w.+-]+\/[\w.+-]+$/, { message: 'content_type must be a MIME type such as application/pdf' })
  content_type: string;

  @ApiProperty({ format: 'byte', description: 'The file’s bytes in base64' })
  @IsString() @IsBase64(undefined, { message: 'content_base64 must be base64' })
  content_base64: string;
}

/** POST /api/tickets/:id/reply */
export class ReplyDto {
  @ApiProperty({ minLength: 1, maxLength: 200_000 })
  @IsString() @Length(1, 200_000) @Matches(/\S/, { message: 'body_text must not be blank' }) @MultiLine()
  body_text: string;

  @ApiPropertyOptional({ maxLength: 500_000, description: 'Sanitised before it is stored and sent' })
  @IsOptional() @IsString() @MaxLength(500_000) @MultiLine()
  body_html?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 50, format: 'email' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsEmail({}, { each: true, message: 'cc must hold e-mail addresses' }) @MaxLength(320, { each: true }) @SingleLine({ each: true })
  cc?: string[];

  @ApiPropertyOptional({ type: [ReplyAttachmentDto], maxItems: 20, description: 'At most 10 MB together' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => ReplyAttachmentDto)
  attachments?: ReplyAttachmentDto[];
}

/** POST /api/email-settings/smtp-test */
export class SmtpTestDto {
  @ApiPropertyOptional({ format: 'email', description: 'Also send a test message to this address' })
  @IsOptional() @IsEmail({}, { message: 'send_to must be an e-mail address' }) @MaxLength(320) @SingleLine()
  send_to?: string;
}
