import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentTenant, Roles } from '../auth/auth.decorators';
import { TenantPrincipal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { AddRemoteImageSenderDto } from './remote-image-senders.dto';
import { RemoteImageSendersService } from './remote-image-senders.service';

@ApiTags('tickets')
@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('api/remote-image-senders')
@Roles('agent')
export class RemoteImageSendersController {
  constructor(private readonly senders: RemoteImageSendersService) {}

  @ApiOkResponse({ description: 'The senders whose remote images load without asking: {data: [{address, created_at}]}' })
  @Get()
  list(@CurrentTenant() tenant: TenantPrincipal) {
    return this.senders.list(tenant.tenantId);
  }

  @ApiCreatedResponse({ description: 'The sender as listed (adding a listed sender again changes nothing): {address, created_at}' })
  @ApiErrors(...JSON_BODY_ERRORS)
  @Post()
  add(@CurrentTenant() tenant: TenantPrincipal, @Body() dto: AddRemoteImageSenderDto) {
    return this.senders.add(tenant.tenantId, dto.address);
  }

  @ApiNoContentResponse({ description: 'The sender’s remote images are blocked again' })
  @ApiErrors(400, 404)
  @Delete(':address')
  @HttpCode(204)
  async remove(@CurrentTenant() tenant: TenantPrincipal, @Param('address') address: string): Promise<void> {
    await this.senders.remove(tenant.tenantId, address);
  }
}
