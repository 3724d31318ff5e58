import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { Audited } from '../audit/audit.decorators';
import { ApiBearerAuth, ApiOkResponse, ApiCreatedResponse, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { TENANT_ROLES, TenantRole } from '../auth/principal';
import { TenantsService } from './tenants.service';
import { ApiTokensService } from './api-tokens.service';
import { AccessibleTenantId, Roles } from '../auth/auth.decorators';
import { TenantId } from '../common/tenant-id';
import { SingleLine } from '../common/validation';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';

export class CreateTokenDto {
  @ApiProperty({ enum: TENANT_ROLES })
  @IsIn(TENANT_ROLES) role: TenantRole;
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString() @Length(1, 200) @SingleLine() name: string;
  @ApiPropertyOptional({ minimum: 1, description: 'The user the token acts as; a new user is created when omitted' })
  @IsOptional() @IsInt() @Min(1) user_id?: number;
  @ApiPropertyOptional({ format: 'email' })
  @IsOptional() @IsEmail() @SingleLine() email?: string;
}

@ApiTags('tenants')
@ApiBearerAuth()
@ApiParam({ name: 'tenantId', type: Number })
@ApiErrors(...AUTHENTICATED_ERRORS, 400, 404)
@Controller('api/tenants/:tenantId/tokens')
@Roles('platform_admin', 'tenant_admin')
export class TokensController {
  constructor(
    private readonly tokens: ApiTokensService,
    private readonly tenants: TenantsService,
  ) {}

  @ApiCreatedResponse({ description: 'The token; its secret is shown this once' })
  @ApiErrors(...JSON_BODY_ERRORS, 422)
  @Audited('token.created', { target: 'token' })
  @Post()
  async create(@AccessibleTenantId() tenantId: TenantId, @Body() dto: CreateTokenDto) {
    await this.tenants.get(tenantId);
    return this.tokens.create(tenantId, dto);
  }

  @ApiOkResponse({ description: '{data: tokens}, without their secrets' })
  @Get()
  async list(@AccessibleTenantId() tenantId: TenantId) {
    await this.tenants.get(tenantId);
    return { data: await this.tokens.list(tenantId) };
  }

  @ApiOkResponse({ description: 'The revoked token' })
  @Audited('token.revoked', { target: 'token' })
  @Delete(':tokenId')
  @HttpCode(200)
  async revoke(
    @AccessibleTenantId() tenantId: TenantId,
    @Param('tokenId', ParseIntPipe) tokenId: number,
  ) {
    return this.tokens.revoke(tenantId, tokenId);
  }
}
