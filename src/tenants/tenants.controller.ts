import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { Audited } from '../audit/audit.decorators';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { AccessibleTenantId, Roles } from '../auth/auth.decorators';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { TenantId } from '../common/tenant-id';
import { DnsRecordsService } from './dns-records.service';
import { AddDomainDto, CreateTenantDto, DnsRecordsQuery, ListTenantsQuery, UpdateTenantDto } from './tenants.dto';
import { TenantsService } from './tenants.service';
import { UsersService } from './users.service';

@ApiTags('tenants')
@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('api/tenants')
@Roles('platform_admin')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @ApiCreatedResponse({ description: 'The tenant with its inbound address' })
  @ApiErrors(...JSON_BODY_ERRORS, 403, 409, 422)
  @Audited('tenant.created', { target: 'tenant' })
  @Post()
  create(@Body() dto: CreateTenantDto) {
    return this.tenants.create(dto);
  }

  @ApiOkResponse({ description: 'A page of tenants: {tenants, data (the same list), page, per_page, total}' })
  @ApiErrors(400)
  @Get()
  list(@Query() query: ListTenantsQuery) {
    return this.tenants.list(query.page, query.per_page);
  }

  @ApiOkResponse({ description: 'The tenant' })
  @ApiErrors(400, 404)
  @ApiParam({ name: 'tenantId', type: Number })
  @Get(':tenantId')
  @Roles('platform_admin', 'tenant_admin')
  get(@AccessibleTenantId() tenantId: TenantId) {
    return this.tenants.get(tenantId);
  }

  @ApiOkResponse({ description: '{success: true} and the tenant as changed' })
  @ApiErrors(...JSON_BODY_ERRORS, 404)
  @ApiParam({ name: 'tenantId', type: Number })
  @Audited('tenant.updated', { target: 'tenant' })
  @Put(':tenantId')
  async update(@AccessibleTenantId() tenantId: TenantId, @Body() dto: UpdateTenantDto) {
    return { success: true, ...(await this.tenants.update(tenantId, dto)) };
  }

  @ApiOkResponse({ description: '{success: true}: deleted with its tickets, tokens and settings' })
  @ApiErrors(400, 404)
  @ApiParam({ name: 'tenantId', type: Number })
  @Audited('tenant.deleted', { target: 'tenant' })
  @Delete(':tenantId')
  @HttpCode(200)
  async remove(@AccessibleTenantId() tenantId: TenantId) {
    await this.tenants.remove(tenantId);
    return { success: true };
  }

  @ApiOkResponse({ description: 'This month’s usage against the tier’s limits' })
  @ApiErrors(400, 404)
  @ApiParam({ name: 'tenantId', type: Number })
  @Get(':tenantId/usage')
  @Roles('platform_admin', 'tenant_admin')
  usage(@AccessibleTenantId() tenantId: TenantId) {
    return this.tenants.usageReport(tenantId);
  }
}

@ApiTags('tenants')
@ApiBearerAuth()
@ApiParam({ name: 'tenantId', type: Number })
@ApiErrors(...AUTHENTICATED_ERRORS, 400, 404)
@Controller('api/tenants/:tenantId')
@Roles('platform_admin', 'tenant_admin')
export class TenantDomainsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly dnsRecords: DnsRecordsService,
  ) {}

  @ApiOkResponse({ description: '{data: domains} with their verification state' })
  @Get('domains')
  async list(@AccessibleTenantId() tenantId: TenantId) {
    return { data: await this.tenants.listDomains(tenantId) };
  }

  /** The DNS records the tenant's own domains need; `?check=true` also resolves them and says what is missing. */
  @ApiOkResponse({ description: 'The records to publish; with check=true, what each lookup found' })
  @Get('dns-records')
  dns(@AccessibleTenantId() tenantId: TenantId, @Query() query: DnsRecordsQuery) {
    return this.dnsRecords.forTenant(tenantId, { check: query.check === 'true', spfInclude: query.spf_include, dkimPublicKey: query.dkim_public_key });
  }

  @ApiCreatedResponse({ description: 'The domain, unverified, with the TXT record that proves it' })
  @ApiErrors(...JSON_BODY_ERRORS, 403, 409, 422)
  @Audited('domain.added', { target: 'domain' })
  @Post('domains')
  add(@AccessibleTenantId() tenantId: TenantId, @Body() dto: AddDomainDto) {
    return this.tenants.addDomain(tenantId, dto.domain);
  }

  /** Checks the domain's TXT record now; when it holds the tenant's token, the domain is the tenant's and routes mail. */
  @ApiOkResponse({ description: 'The domain, now verified' })
  @ApiErrors(409, 422)
  @Audited('domain.verified', { target: 'domain' })
  @Post('domains/:domainId/verify')
  @HttpCode(200)
  verify(@AccessibleTenantId() tenantId: TenantId, @Param('domainId', ParseIntPipe) domainId: number) {
    return this.dnsRecords.verify(tenantId, domainId);
  }

  @ApiNoContentResponse({ description: 'Removed: mail to it no longer routes to the tenant' })
  @Audited('domain.removed', { target: 'domain' })
  @Delete('domains/:domainId')
  @HttpCode(204)
  remove(
    @AccessibleTenantId() tenantId: TenantId,
    @Param('domainId', ParseIntPipe) domainId: number,
  ) {
    return this.tenants.removeDomain(tenantId, domainId);
  }
}

@ApiTags('tenants')
@ApiBearerAuth()
@ApiParam({ name: 'tenantId', type: Number })
@ApiErrors(...AUTHENTICATED_ERRORS, 400, 404)
@Controller('api/tenants/:tenantId/users')
@Roles('platform_admin', 'tenant_admin')
export class TenantUsersController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly users: UsersService,
  ) {}

  @ApiOkResponse({ description: '{data: users}' })
  @Get()
  async list(@AccessibleTenantId() tenantId: TenantId) {
    await this.tenants.load(tenantId);
    return { data: await this.users.list(tenantId) };
  }

  @ApiNoContentResponse({ description: 'Removed with its tokens' })
  @Audited('user.deleted', { target: 'user' })
  @Delete(':userId')
  @HttpCode(204)
  remove(
    @AccessibleTenantId() tenantId: TenantId,
    @Param('userId', ParseIntPipe) userId: number,
  ) {
    return this.users.remove(tenantId, userId);
  }
}
