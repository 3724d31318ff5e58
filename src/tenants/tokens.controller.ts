import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { TENANT_ROLES, TenantRole } from '../auth/principal';
import { TenantsService } from './tenants.service';
import { ApiTokensService } from './api-tokens.service';
import { AccessibleTenantId, Roles } from '../auth/auth.decorators';
import { TenantId } from '../common/tenant-id';
import { SingleLine } from '../common/validation';

export class CreateTokenDto {
  @IsIn(TENANT_ROLES) role: TenantRole;
  @IsString() @Length(1, 200) @SingleLine() name: string;
  @IsOptional() @IsInt() @Min(1) user_id?: number;
  @IsOptional() @IsEmail() @SingleLine() email?: string;
}

@Controller('api/tenants/:tenantId/tokens')
@Roles('platform_admin', 'tenant_admin')
export class TokensController {
  constructor(
    private readonly tokens: ApiTokensService,
    private readonly tenants: TenantsService,
  ) {}

  @Post()
  async create(@AccessibleTenantId() tenantId: TenantId, @Body() dto: CreateTokenDto) {
    await this.tenants.get(tenantId);
    return this.tokens.create(tenantId, dto);
  }

  @Get()
  async list(@AccessibleTenantId() tenantId: TenantId) {
    await this.tenants.get(tenantId);
    return { data: await this.tokens.list(tenantId) };
  }

  @Delete(':tokenId')
  @HttpCode(200)
  async revoke(
    @AccessibleTenantId() tenantId: TenantId,
    @Param('tokenId', ParseIntPipe) tokenId: number,
  ) {
    return this.tokens.revoke(tenantId, tokenId);
  }
}
