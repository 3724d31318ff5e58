import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { MailboxOAuthVariables } from './mailbox-oauth-config';
import { StorageDriver } from './storage-config';
import { toBoolean, toInteger } from './variable-transforms';

/**
 * The variables of rate limits, live updates, storage (disk space, object storage) and people's accounts,
 * validated with the rest of the environment (EnvironmentVariables in app-config.ts extends this class).
 */
export class FeatureVariables extends MailboxOAuthVariables {
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(10_000) RATE_LIMIT_AUTH_FAILURES_PER_MINUTE?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(100_000) RATE_LIMIT_API_PER_SECOND?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(10_000) RATE_LIMIT_SMTP_TEST_PER_HOUR?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(10_000) WEBHOOK_MAX_IN_FLIGHT?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) @Max(1_000_000_000) STORAGE_MIN_FREE_MB?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(20) @Max(60_000) EVENTS_POLL_MS?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(8_760) EVENTS_RETENTION_HOURS?: number;

  @IsOptional() @IsIn(['local', 's3']) STORAGE_DRIVER?: StorageDriver;
  @IsOptional() @Matches(/^https?:\/\/[^\s/]+\/?$/, { message: 'S3_ENDPOINT must be an http(s) URL without a path, e.g. http://minio:9000' })
  S3_ENDPOINT?: string;
  @IsOptional() @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'S3_BUCKET must be a bucket name (3-63 lower-case letters, digits, . and -)' })
  S3_BUCKET?: string;
  @IsOptional() @IsString() @MinLength(1) S3_REGION?: string;
  @IsOptional() @IsString() S3_ACCESS_KEY_ID?: string;
  @IsOptional() @IsString() S3_SECRET_ACCESS_KEY?: string;
  @IsOptional() @Transform(toBoolean) @IsBoolean() S3_FORCE_PATH_STYLE?: boolean;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) @Max(10_080) RETENTION_SWEEP_GRACE_MINUTES?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(10_000) RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(525_600) SESSION_IDLE_MINUTES?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(36_500) AUDIT_LOG_RETENTION_DAYS?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(8_760) SESSION_MAX_HOURS?: number;
  @IsOptional() @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'PUBLIC_URL must be the http(s) address people open, such as https://helpdesk.example.com' }) PUBLIC_URL?: string;
  @IsOptional() @IsString() @MinLength(3) SYSTEM_MAIL_FROM?: string;
  @IsOptional() @IsString() SYSTEM_SMTP_HOST?: string;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(65535) SYSTEM_SMTP_PORT?: number;
  @IsOptional() @IsIn(['tls', 'starttls', 'none']) SYSTEM_SMTP_SECURITY?: 'tls' | 'starttls' | 'none';
  @IsOptional() @IsString() SYSTEM_SMTP_USERNAME?: string;
  @IsOptional() @IsString() SYSTEM_SMTP_PASSWORD?: string;
}
