import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { actorOf, RequestPrincipal } from '../audit/audit-policy';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { AccessibleTenantId, CurrentTenant, Roles } from '../auth/auth.decorators';
import { TenantPrincipal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { TenantId } from '../common/tenant-id';
import { CreateTenantMailboxDto, UpdateTenantMailboxDto } from './tenant-mailbox.dto';
import { Authorization, TenantMailboxesService } from './tenant-mailboxes.service';
import { OAUTH_BINDING_COOKIE, OAUTH_COOKIE_PATH, OAUTH_STATE_LIFETIME_MS } from './mailbox-oauth-state';

const AUTHORIZE_DESCRIPTION = '`authorize_url`: open it in the same browser (the answer sets a cookie that the provider’s redirect back must bring)';

/** The routes of both controllers, for the caller's tenant or a tenant named in the path. */
abstract class MailboxRoutes {
  constructor(protected readonly mailboxes: TenantMailboxesService) {}

  protected listFor(tenantId: TenantId) {
    return this.mailboxes.list(tenantId);
  }

  protected async createFor(tenantId: TenantId, dto: CreateTenantMailboxDto, request: Request, response: Response) {
    const { mailbox, authorization } = await this.mailboxes.create(tenantId, dto, actorIn(request));
    return authorization ? { ...mailbox, authorize_url: bindBrowser(authorization, request, response) } : mailbox;
  }

  protected async authorizeFor(tenantId: TenantId, id: number, request: Request, response: Response) {
    return { authorize_url: bindBrowser(await this.mailboxes.authorize(tenantId, id, actorIn(request)), request, response) };
  }
}

/** Who asks, as the guard left it on the request: the callback's audit entry names them. */
const actorIn = (request: Request) => actorOf((request as Request & { principal?: RequestPrincipal }).principal);

/** The cookie ties the provider's redirect back to this browser: a link sent to someone else connects nothing. */
function bindBrowser(authorization: Authorization, request: Request, response: Response): string {
  response.cookie(OAUTH_BINDING_COOKIE, authorization.binding, { httpOnly: true, sameSite: 'lax', secure: request.secure, path: OAUTH_COOKIE_PATH, maxAge: OAUTH_STATE_LIFETIME_MS });
  return authorization.authorizeUrl;
}

@ApiTags('tenant mailboxes')
@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('api/email-settings/mailboxes')
@Roles('tenant_admin')
export class TenantMailboxesController extends MailboxRoutes {
  constructor(mailboxes: TenantMailboxesService) {
    super(mailboxes);
  }

  @ApiOkResponse({ description: 'The tenant’s mailboxes with their state (never a password)' })
  @Get()
  list(@CurrentTenant() tenant: TenantPrincipal) {
    return this.listFor(tenant.tenantId);
  }

  @ApiOkResponse({ description: 'The kinds of mailbox this platform can connect: {kind, label, platform_app} (platform_app false: only with an app of the tenant’s own)' })
  @Get('providers')
  providers() {
    return this.mailboxes.providers();
  }

  @ApiOkResponse({ description: 'One mailbox with its state' })
  @ApiErrors(400, 404)
  @Get(':id')
  get(@CurrentTenant() tenant: TenantPrincipal, @Param('id', ParseIntPipe) id: number) {
    return this.mailboxes.get(tenant.tenantId, id);
  }

  @ApiCreatedResponse({ description: `The mailbox; an IMAP one is read within seconds. Microsoft 365 and Google: ${AUTHORIZE_DESCRIPTION}` })
  @ApiErrors(...JSON_BODY_ERRORS, 422)
  @Post()
  create(@CurrentTenant() tenant: TenantPrincipal, @Body() dto: CreateTenantMailboxDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.createFor(tenant.tenantId, dto, request, response);
  }

  @ApiCreatedResponse({ description: `Reconnect a Microsoft 365 or Google mailbox: ${AUTHORIZE_DESCRIPTION}` })
  @ApiErrors(400, 404, 422)
  @Post(':id/authorize')
  authorize(@CurrentTenant() tenant: TenantPrincipal, @Param('id', ParseIntPipe) id: number, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.authorizeFor(tenant.tenantId, id, request, response);
  }

  @ApiOkResponse({ description: 'The mailbox as changed' })
  @ApiErrors(...JSON_BODY_ERRORS, 404, 422)
  @Patch(':id')
  update(@CurrentTenant() tenant: TenantPrincipal, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateTenantMailboxDto) {
    return this.mailboxes.update(tenant.tenantId, id, dto);
  }

  @ApiNoContentResponse({ description: 'Removed; mail already filed stays' })
  @ApiErrors(400, 404)
  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentTenant() tenant: TenantPrincipal, @Param('id', ParseIntPipe) id: number): Promise<void> {
    await this.mailboxes.remove(tenant.tenantId, id);
  }
}

@ApiTags('tenant mailboxes')
@ApiBearerAuth()
@ApiParam({ name: 'tenantId', type: Number })
@ApiErrors(...AUTHENTICATED_ERRORS, 400, 404)
@Controller('api/tenants/:tenantId/email-settings/mailboxes')
@Roles('platform_admin', 'tenant_admin')
export class TenantMailboxesAdminController extends MailboxRoutes {
  constructor(mailboxes: TenantMailboxesService) {
    super(mailboxes);
  }

  @ApiOkResponse({ description: 'The tenant’s mailboxes with their state (never a password)' })
  @Get()
  list(@AccessibleTenantId() tenantId: TenantId) {
    return this.listFor(tenantId);
  }

  @ApiCreatedResponse({ description: `The mailbox; Microsoft 365 and Google: ${AUTHORIZE_DESCRIPTION}` })
  @ApiErrors(...JSON_BODY_ERRORS, 422)
  @Post()
  create(@AccessibleTenantId() tenantId: TenantId, @Body() dto: CreateTenantMailboxDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.createFor(tenantId, dto, request, response);
  }

  @ApiCreatedResponse({ description: `Reconnect a Microsoft 365 or Google mailbox: ${AUTHORIZE_DESCRIPTION}` })
  @ApiErrors(422)
  @Post(':id/authorize')
  authorize(@AccessibleTenantId() tenantId: TenantId, @Param('id', ParseIntPipe) id: number, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.authorizeFor(tenantId, id, request, response);
  }

  @ApiOkResponse({ description: 'The mailbox as changed' })
  @ApiErrors(...JSON_BODY_ERRORS, 422)
  @Patch(':id')
  update(@AccessibleTenantId() tenantId: TenantId, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateTenantMailboxDto) {
    return this.mailboxes.update(tenantId, id, dto);
  }

  @ApiNoContentResponse({ description: 'Removed' })
  @Delete(':id')
  @HttpCode(204)
  async remove(@AccessibleTenantId() tenantId: TenantId, @Param('id', ParseIntPipe) id: number): Promise<void> {
    await this.mailboxes.remove(tenantId, id);
  }
}
