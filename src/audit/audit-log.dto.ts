import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
export const ACTOR_KINDS = ['operator', 'user', 'token', 'bootstrap', 'anonymous'] as const;

export class ListAuditLogQuery {
  @ApiPropertyOptional({ minimum: 1, description: 'Operators: one tenant’s entries (tenant admins always see their own tenant)' })
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) tenant_id?: number;
  @ApiPropertyOptional({ example: 'user.login', description: 'An action, or a prefix ending in "." such as "user."' })
  @IsOptional() @IsString() @Matches(/^[a-z_.]{1,80}$/, { message: 'action must be lowercase letters, "_" and "."' }) action?: string;
  @ApiPropertyOptional({ enum: ACTOR_KINDS })
  @IsOptional() @IsIn(ACTOR_KINDS) actor_kind?: (typeof ACTOR_KINDS)[number];
  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) actor_id?: number;
  @ApiPropertyOptional({ example: 'domain' })
  @IsOptional() @IsString() @Length(1, 40) target_type?: string;
  @ApiPropertyOptional()
  @IsOptional() @IsString() @Length(1, 320) target_id?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional() @IsDateString() from?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional() @IsDateString() to?: string;
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) page?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200) per_page?: number;
}
