import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { AccessibleTenantId, CurrentTenant, Roles } from '../auth/auth.decorators';
import { TenantPrincipal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { TenantId } from '../common/tenant-id';
import { CreateTenantMailboxDto, UpdateTenantMailboxDto } from './tenant-mailbox.dto';
import { TenantMailboxesService } from './tenant-mailboxes.service';

/** The routes of both controllers, for the caller's tenant or a tenant named in the path. */
abstract class MailboxRoutes {
  constructor(protected readonly mailboxes: TenantMailboxesService) {}

  protected listFor(tenantId: TenantId) {
    return this.mailboxes.list(tenantId);
  }
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

  @ApiOkResponse({ description: 'One mailbox with its state' })
  @ApiErrors(400, 404)
  @Get(':id')
  get(@CurrentTenant() tenant: TenantPrincipal, @Param('id', ParseIntPipe) id: number) {
    return this.mailboxes.get(tenant.tenantId, id);
  }

  @ApiCreatedResponse({ description: 'The mailbox as connected; its reader starts within seconds' })
  @ApiErrors(...JSON_BODY_ERRORS, 422)
  @Post()
  create(@CurrentTenant() tenant: TenantPrincipal, @Body() dto: CreateTenantMailboxDto) {
    return this.mailboxes.create(tenant.tenantId, dto);
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

  @ApiCreatedResponse({ description: 'The mailbox as connected' })
  @ApiErrors(...JSON_BODY_ERRORS, 422)
  @Post()
  create(@AccessibleTenantId() tenantId: TenantId, @Body() dto: CreateTenantMailboxDto) {
    return this.mailboxes.create(tenantId, dto);
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
