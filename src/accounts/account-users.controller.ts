import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { Audited } from '../audit/audit.decorators';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { AccessibleTenantId, CurrentTenant, Roles } from '../auth/auth.decorators';
import { TenantPrincipal } from '../auth/principal';
import { UsersService } from '../tenants/users.service';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { TenantId } from '../common/tenant-id';
import { CreateAccountUserDto, CreateOperatorDto } from './accounts.dto';
import { AccountsService } from './accounts.service';

@ApiTags('tenants')
@ApiBearerAuth()
@ApiParam({ name: 'tenantId', type: Number })
@ApiErrors(...AUTHENTICATED_ERRORS, 400, 404)
@Controller('api/tenants/:tenantId/users')
@Roles('platform_admin', 'tenant_admin')
export class AccountUsersController {
  constructor(private readonly accounts: AccountsService) {}

  @ApiCreatedResponse({ description: 'The user; without a password, with {invitation: {sent, expires_at}} mailed to the address' })
  @ApiErrors(...JSON_BODY_ERRORS, 409, 422)
  @Audited('user.created', { target: 'user' })
  @Post()
  create(@AccessibleTenantId() tenantId: TenantId, @Body() dto: CreateAccountUserDto) {
    return this.accounts.createUser(tenantId, dto);
  }

  @ApiCreatedResponse({ description: '{invitation: {sent, expires_at}}: a new link, mailed again' })
  @ApiErrors(409, 422)
  @Audited('user.invited', { target: 'user' })
  @Post(':userId/invitation')
  resend(@AccessibleTenantId() tenantId: TenantId, @Param('userId', ParseIntPipe) userId: number) {
    return this.accounts.resendInvitation(tenantId, userId);
  }
}

/** Operators: named platform admins. ADMIN_API_TOKEN creates the first. */
@ApiTags('operators')
@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('api/operators')
@Roles('platform_admin')
export class OperatorsController {
  constructor(private readonly accounts: AccountsService) {}

  @ApiCreatedResponse({ description: 'The operator; without a password, with {invitation} mailed to the address' })
  @ApiErrors(...JSON_BODY_ERRORS, 409)
  @Audited('operator.created', { target: 'operator' })
  @Post()
  create(@Body() dto: CreateOperatorDto) {
    return this.accounts.createOperator(dto);
  }

  @ApiOkResponse({ description: '{data: operators}' })
  @Get()
  async list() {
    return { data: await this.accounts.listOperators() };
  }

  @ApiNoContentResponse({ description: 'Removed with its sessions' })
  @ApiErrors(400, 404)
  @Audited('operator.deleted', { target: 'operator' })
  @Delete(':operatorId')
  @HttpCode(204)
  remove(@Param('operatorId', ParseIntPipe) operatorId: number) {
    return this.accounts.removeOperator(operatorId);
  }
}

/** Who a ticket can be assigned to: the caller's team, names and roles only. */
@ApiTags('tickets')
@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('api/team')
@Roles('agent')
export class TeamController {
  constructor(private readonly users: UsersService) {}

  @ApiOkResponse({ description: '{data: [{id, name, role}]}: the tenant’s people and token users' })
  @Get()
  async list(@CurrentTenant() tenant: TenantPrincipal) {
    return { data: (await this.users.list(tenant.tenantId)).map(({ id, name, role }) => ({ id, name, role })) };
  }
}
