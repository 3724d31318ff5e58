import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { AccessibleTenantId, Roles } from '../auth/auth.decorators';
import { TenantId } from '../common/tenant-id';
import { DnsRecordsService } from './dns-records.service';
import { AddDomainDto, CreateTenantDto, CreateUserDto, DnsRecordsQuery, ListTenantsQuery, UpdateTenantDto } from './tenants.dto';
import { TenantsService } from './tenants.service';
import { toUserView, UsersService } from './users.service';

@Controller('api/tenants')
@Roles('platform_admin')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  create(@Body() dto: CreateTenantDto) {
    return this.tenants.create(dto);
  }

  @Get()
  list(@Query() query: ListTenantsQuery) {
    return this.tenants.list(query.page, query.per_page);
  }

  @Get(':tenantId')
  @Roles('platform_admin', 'tenant_admin')
  get(@AccessibleTenantId() tenantId: TenantId) {
    return this.tenants.get(tenantId);
  }

  @Put(':tenantId')
  update(@AccessibleTenantId() tenantId: TenantId, @Body() dto: UpdateTenantDto) {
    return this.tenants.update(tenantId, dto);
  }

  @Delete(':tenantId')
  @HttpCode(204)
  remove(@AccessibleTenantId() tenantId: TenantId) {
    return this.tenants.remove(tenantId);
  }

  @Get(':tenantId/usage')
  @Roles('platform_admin', 'tenant_admin')
  usage(@AccessibleTenantId() tenantId: TenantId) {
    return this.tenants.usageReport(tenantId);
  }
}

@Controller('api/tenants/:tenantId')
@Roles('platform_admin', 'tenant_admin')
export class TenantDomainsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly dnsRecords: DnsRecordsService,
  ) {}

  @Get('domains')
  async list(@AccessibleTenantId() tenantId: TenantId) {
    return { data: await this.tenants.listDomains(tenantId) };
  }

  /** The DNS records the tenant's own domains need; `?check=true` also resolves them and says what is missing. */
  @Get('dns-records')
  dns(@AccessibleTenantId() tenantId: TenantId, @Query() query: DnsRecordsQuery) {
    return this.dnsRecords.forTenant(tenantId, { check: query.check === 'true', spfInclude: query.spf_include, dkimPublicKey: query.dkim_public_key });
  }

  @Post('domains')
  add(@AccessibleTenantId() tenantId: TenantId, @Body() dto: AddDomainDto) {
    return this.tenants.addDomain(tenantId, dto.domain);
  }

  /** Checks the domain's TXT record now; when it holds the tenant's token, the domain is the tenant's and routes mail. */
  @Post('domains/:domainId/verify')
  @HttpCode(200)
  verify(@AccessibleTenantId() tenantId: TenantId, @Param('domainId', ParseIntPipe) domainId: number) {
    return this.dnsRecords.verify(tenantId, domainId);
  }

  @Delete('domains/:domainId')
  @HttpCode(204)
  remove(
    @AccessibleTenantId() tenantId: TenantId,
    @Param('domainId', ParseIntPipe) domainId: number,
  ) {
    return this.tenants.removeDomain(tenantId, domainId);
  }
}

@Controller('api/tenants/:tenantId/users')
@Roles('platform_admin', 'tenant_admin')
export class TenantUsersController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly users: UsersService,
  ) {}

  @Get()
  async list(@AccessibleTenantId() tenantId: TenantId) {
    await this.tenants.load(tenantId);
    return { data: await this.users.list(tenantId) };
  }

  @Post()
  async create(@AccessibleTenantId() tenantId: TenantId, @Body() dto: CreateUserDto) {
    return toUserView(await this.users.create(tenantId, { name: dto.name, role: dto.role, email: dto.email ?? null }));
  }

  @Delete(':userId')
  @HttpCode(204)
  remove(
    @AccessibleTenantId() tenantId: TenantId,
    @Param('userId', ParseIntPipe) userId: number,
  ) {
    return this.users.remove(tenantId, userId);
  }
}
