import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { DOMAIN_PATTERN, LOCAL_PART_PATTERN } from '../mail/address-policy';
import { SLUG_PATTERN } from './slug';
import { TenantStatus } from './tenant.entity';
import { Tier, TIERS } from './tiers';
import { MultiLine, SingleLine } from '../common/validation';

const lowercase = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class CreateTenantDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString() @Length(1, 200) @SingleLine() name: string;

  @ApiPropertyOptional({ pattern: SLUG_PATTERN.source, description: 'Derived from the name when omitted' })
  @IsOptional() @IsString() @Matches(SLUG_PATTERN, { message: 'slug must be lowercase letters, digits and inner hyphens, 1-50 characters' })
  slug?: string;

  @ApiPropertyOptional({ enum: TIERS })
  @IsOptional() @IsIn(TIERS) tier?: Tier;

  /** The tenant's own mail domain; the first of its tenant_domains. */
  @ApiPropertyOptional({ example: 'example.com', description: 'The tenant’s own mail domain (unverified until its TXT record is checked)' })
  @IsOptional() @Transform(lowercase) @IsString() @Matches(DOMAIN_PATTERN, { message: 'domain must be a domain name such as example.com' })
  domain?: string;

  @ApiPropertyOptional({ pattern: LOCAL_PART_PATTERN.source, description: 'The local part of its address at DOCKER_MAIL_DOMAIN' })
  @IsOptional() @IsString() @Matches(LOCAL_PART_PATTERN, { message: 'inbound_email_local_part must be lowercase letters, digits, ".", "_" or "-" (no "+")' })
  inbound_email_local_part?: string;
}

export class UpdateTenantDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional() @IsString() @Length(1, 200) @SingleLine() name?: string;
  @ApiPropertyOptional({ enum: TIERS })
  @IsOptional() @IsIn(TIERS) tier?: Tier;
  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @IsOptional() @IsIn(['active', 'disabled']) status?: TenantStatus;
  @ApiPropertyOptional({ description: 'The multi-tenancy guide\'s name for status: true is active' })
  @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ nullable: true, minimum: -1, description: 'Overrides the tier\'s limit; -1 unlimited, null back to the tier\'s' })
  @LimitOverride() max_users?: number | null;
  @ApiPropertyOptional({ nullable: true, minimum: -1 })
  @LimitOverride() max_domains?: number | null;
  @ApiPropertyOptional({ nullable: true, minimum: -1 })
  @LimitOverride() max_storage_mb?: number | null;
  @ApiPropertyOptional({ nullable: true, minimum: -1 })
  @LimitOverride() max_messages_per_day?: number | null;
}

/** An override of a tier limit: an integer from -1 (unlimited), or null to fall back to the tier's. */
function LimitOverride(): PropertyDecorator {
  const decorators = [IsOptional(), IsInt(), Min(-1), Max(2_000_000_000)];
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

export class AddDomainDto {
  @ApiProperty({ example: 'example.com' })
  @Transform(lowercase) @IsString() @Matches(DOMAIN_PATTERN, { message: 'domain must be a domain name such as example.com' })
  domain: string;
}

export class ListTenantsQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional() @Transform(({ value }) => Number(value)) @IsInt() @Min(1) page?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(200) per_page?: number;
}

export class DnsRecordsQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: also resolve the records and say what is missing' })
  @IsOptional() @IsIn(['true', 'false']) check?: 'true' | 'false';
  @ApiPropertyOptional({ maxLength: 253, description: 'The SPF include of the tenant’s SMTP provider' })
  @IsOptional() @IsString() @Length(1, 253) @SingleLine() spf_include?: string;
  @ApiPropertyOptional({ maxLength: 4000, description: 'The DKIM public key to publish' })
  @IsOptional() @IsString() @Length(1, 4000) @MultiLine() dkim_public_key?: string;
}
