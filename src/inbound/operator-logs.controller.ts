import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { AssignAndReprocessDto, OperatorLogsQuery } from './processing-logs.dto';
import { ProcessingLogsService } from './processing-logs.service';

/** The operator's processing log: every tenant's, and the mail that reached none. */
@ApiTags('processing logs')
@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('api/admin/email-processing-logs')
@Roles('platform_admin')
export class OperatorLogsController {
  constructor(private readonly logs: ProcessingLogsService) {}

  @ApiOkResponse({ description: 'A page of the log across tenants: {data, page, per_page, total}; tenant_id=none: unrouted mail' })
  @ApiErrors(400)
  @Get()
  list(@Query() query: OperatorLogsQuery) {
    return this.logs.listAcrossTenants(query);
  }

  @ApiOkResponse({ description: 'The outcome of running the message again, for its tenant or the one given' })
  @ApiErrors(...JSON_BODY_ERRORS, 404, 409)
  @Post(':logId/reprocess')
  @HttpCode(200)
  reprocess(@Param('logId', ParseIntPipe) logId: number, @Body() dto: AssignAndReprocessDto) {
    return this.logs.reprocessAsOperator(logId, dto.tenant_id);
  }
}
