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
  @IsString() @Length(1, 255) @Matches(/^[^\r\n\\/\x00]+$/, { message: 'filename must be a plain file name (no path, no line break)' })
  filename: string;

  @IsString() @MaxLength(255) @Matches(/^[\w.+-]+\/[\w.+-]+$/, { message: 'content_type must be a MIME type such as application/pdf' })
  content_type: string;

  @IsString() @IsBase64(undefined, { message: 'content_base64 must be base64' })
  content_base64: string;
}

/** POST /api/tickets/:id/reply */
export class ReplyDto {
  @IsString() @Length(1, 200_000) @Matches(/\S/, { message: 'body_text must not be blank' }) @MultiLine()
  body_text: string;

  @IsOptional() @IsString() @MaxLength(500_000) @MultiLine()
  body_html?: string;

  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsEmail({}, { each: true, message: 'cc must hold e-mail addresses' }) @MaxLength(320, { each: true }) @SingleLine({ each: true })
  cc?: string[];

  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => ReplyAttachmentDto)
  attachments?: ReplyAttachmentDto[];
}

/** POST /api/email-settings/smtp-test */
export class SmtpTestDto {
  @IsOptional() @IsEmail({}, { message: 'send_to must be an e-mail address' }) @MaxLength(320) @SingleLine()
  send_to?: string;
}
