import { Body, Controller, Delete, Get, HttpCode, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiFoundResponse, ApiNoContentResponse, ApiOkResponse, ApiParam, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Request, Response } from 'express';
import { Audited } from '../audit/audit.decorators';
import { AuditTrail } from '../audit/audit-trail';
import { AccessibleTenantId, Public, Roles } from '../auth/auth.decorators';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { SingleLine } from '../common/validation';
import { AppConfig } from '../config/app-config';
import { TenantsService } from '../tenants/tenants.service';
import { SsoService } from './sso.service';

export class SsoSettingsDto {
  @ApiProperty({ example: 'https://login.example.com', description: 'The OpenID provider’s issuer URL (https; http only for a host in EGRESS_ALLOWED_HOSTS)' })
  @IsString() @Length(1, 400) @Matches(/^https?:\/\/\S+$/, { message: 'issuer must be an http(s) URL' }) issuer: string;
  @ApiProperty({ maxLength: 255 })
  @IsString() @Length(1, 255) @SingleLine() client_id: string;
  @ApiProperty({ maxLength: 500, description: 'Write-only' })
  @IsString() @Length(1, 500) @SingleLine() client_secret: string;
  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean() enabled?: boolean;
}

/** The browser's way through single sign-on: redirects both ways, errors shown on the sign-in page. */
@ApiTags('sign-in')
@Controller('api/auth/sso')
@Public()
export class SsoController {
  constructor(
    private readonly sso: SsoService,
    private readonly config: AppConfig,
    private readonly trail: AuditTrail,
  ) {}

  @ApiFoundResponse({ description: 'To the provider of the address’s tenant; on failure to the sign-in page with sso_error' })
  @ApiQuery({ name: 'email', required: true })
  @ApiQuery({ name: 'next', required: false, description: 'The UI path to open after signing in' })
  @ApiErrors(500)
  @Get('start')
  async start(@Query('email') email: unknown, @Query('next') next: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.redirect(response, async () => {
      if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new DomainError('bad_request', 'Enter your e-mail address');
      return this.sso.start(email, next, request, response);
    });
  }

  @ApiFoundResponse({ description: 'Signed in (the session cookie set), to the page asked for; on failure to the sign-in page with sso_error' })
  @ApiErrors(500)
  @Audited('user.login_sso')
  @Get('callback')
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.redirect(response, async () => `${this.config.accounts.publicUrl}/#${await this.sso.callback(request, response)}`);
  }

  private async redirect(response: Response, target: () => Promise<string>): Promise<void> {
    try {
      response.redirect(302, await target());
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.trail.note({ failed: true });
      response.redirect(302, `${this.config.accounts.publicUrl}/#/signin?sso_error=${encodeURIComponent(error.message)}`);
    }
  }
}

@ApiTags('tenants')
@ApiBearerAuth()
@ApiParam({ name: 'tenantId', type: Number })
@ApiErrors(...AUTHENTICATED_ERRORS, 400, 404)
@Controller('api/tenants/:tenantId/sso')
@Roles('platform_admin', 'tenant_admin')
export class TenantSsoController {
  constructor(
    private readonly sso: SsoService,
    private readonly tenants: TenantsService,
  ) {}

  @ApiOkResponse({ description: '{data}: the provider settings without the secret, and the redirect_uri to register; data null when none' })
  @Get()
  async get(@AccessibleTenantId() tenantId: TenantId) {
    await this.tenants.load(tenantId);
    return { data: await this.sso.settings(tenantId) };
  }

  @ApiOkResponse({ description: 'Saved once the provider’s discovery document answered' })
  @ApiErrors(...JSON_BODY_ERRORS, 422)
  @Audited('sso.updated', { target: 'tenant' })
  @Put()
  async put(@AccessibleTenantId() tenantId: TenantId, @Body() dto: SsoSettingsDto) {
    await this.tenants.load(tenantId);
    return { data: await this.sso.saveSettings(tenantId, dto) };
  }

  @ApiNoContentResponse({ description: 'Single sign-on off; people sign in with passwords' })
  @Audited('sso.removed', { target: 'tenant' })
  @Delete()
  @HttpCode(204)
  async remove(@AccessibleTenantId() tenantId: TenantId) {
    await this.tenants.load(tenantId);
    await this.sso.removeSettings(tenantId);
  }
}
