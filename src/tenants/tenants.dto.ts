import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { DOMAIN_PATTERN, LOCAL_PART_PATTERN } from '../mail/address-policy';
import { SLUG_PATTERN } from './slug';
import { TenantStatus } from './tenant.entity';
import { Tier, TIERS } from './tiers';
import { MultiLine, SingleLine } from '../common/validation';

const lowercase = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class CreateTenantDto {
  @IsString() @Length(1, 200) @SingleLine() name: string;

  @IsOptional() @IsString() @Matches(SLUG_PATTERN, { message: 'slug must be lowercase letters, digits and inner hyphens, 1-50 characters' })
  slug?: string;

  @IsOptional() @IsIn(TIERS) tier?: Tier;

  /** The tenant's own mail domain; the first of its tenant_domains. */
  @IsOptional() @Transform(lowercase) @IsString() @Matches(DOMAIN_PATTERN, { message: 'domain must be a domain name such as example.com' })
  domain?: string;

  @IsOptional() @IsString() @Matches(LOCAL_PART_PATTERN, { message: 'inbound_email_local_part must be lowercase letters, digits, ".", "_" or "-" (no "+")' })
  inbound_email_local_part?: string;
}

export class UpdateTenantDto {
  @IsOptional() @IsString() @Length(1, 200) @SingleLine() name?: string;
  @IsOptional() @IsIn(TIERS) tier?: Tier;
  @IsOptional() @IsIn(['active', 'disabled']) status?: TenantStatus;
}

export class AddDomainDto {
  @Transform(lowercase) @IsString() @Matches(DOMAIN_PATTERN, { message: 'domain must be a domain name such as example.com' })
  domain: string;
}

export class ListTenantsQuery {
  @IsOptional() @Transform(({ value }) => Number(value)) @IsInt() @Min(1) page?: number;
  @IsOptional() @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(200) per_page?: number;
}

export class CreateUserDto {
  @IsString() @Length(1, 200) @SingleLine() name: string;
  @IsIn(['tenant_admin', 'agent']) role: 'tenant_admin' | 'agent';
  @IsOptional() @IsString() @Matches(/^[^\s@]+@[^\s@]+$/, { message: 'email must be an e-mail address' }) email?: string;
}

export class DnsRecordsQuery {
  @IsOptional() @IsIn(['true', 'false']) check?: 'true' | 'false';
  @IsOptional() @IsString() @Length(1, 253) @SingleLine() spf_include?: string;
  @IsOptional() @IsString() @Length(1, 4000) @MultiLine() dkim_public_key?: string;
}
