import { Body, Controller, Delete, Get, HttpCode, Injectable, Param, ParseIntPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { IsString, Length, Matches } from 'class-validator';
import { Repository } from 'typeorm';
import { Audited } from '../audit/audit.decorators';
import { CurrentTenant, Roles } from '../auth/auth.decorators';
import { TenantPrincipal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { MultiLine, SingleLine } from '../common/validation';
import { CannedReply } from './canned-reply.entity';

export class CannedReplyDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString() @Length(1, 200) @SingleLine() @Matches(/\S/, { message: 'title must not be blank' }) title: string;
  @ApiProperty({ minLength: 1, maxLength: 20000 })
  @IsString() @Length(1, 20000) @MultiLine() @Matches(/\S/, { message: 'body must not be blank' }) body: string;
}

/** Every query within the caller's tenant: another tenant's canned reply is not found. */
@Injectable()
export class CannedRepliesService {
  constructor(@InjectRepository(CannedReply) private readonly replies: Repository<CannedReply>) {}

  async list(tenantId: TenantId) {
    return (await this.replies.find({ where: { tenantId }, order: { title: 'ASC', id: 'ASC' } })).map(toView);
  }

  async create(tenantId: TenantId, dto: CannedReplyDto) {
    return toView(await this.replies.save(this.replies.create({ tenantId, title: dto.title.trim(), body: dto.body })));
  }

  async update(tenantId: TenantId, id: number, dto: CannedReplyDto) {
    const reply = await this.replies.findOneBy({ tenantId, id });
    if (!reply) throw DomainError.notFound('Canned reply');
    return toView(await this.replies.save(Object.assign(reply, { title: dto.title.trim(), body: dto.body })));
  }

  async remove(tenantId: TenantId, id: number): Promise<void> {
    if (!(await this.replies.delete({ tenantId, id })).affected) throw DomainError.notFound('Canned reply');
  }
}

function toView(reply: CannedReply) {
  return { id: reply.id, title: reply.title, body: reply.body, created_at: reply.createdAt };
}

@ApiTags('tickets')
@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('api/canned-replies')
@Roles('tenant_admin')
export class CannedRepliesController {
  constructor(private readonly replies: CannedRepliesService) {}

  @ApiOkResponse({ description: '{data: canned replies}, by title' })
  @Roles('agent')
  @Get()
  async list(@CurrentTenant() tenant: TenantPrincipal) {
    return { data: await this.replies.list(tenant.tenantId) };
  }

  @ApiCreatedResponse({ description: 'The canned reply' })
  @ApiErrors(...JSON_BODY_ERRORS)
  @Audited('canned_reply.created', { target: 'canned_reply' })
  @Post()
  create(@CurrentTenant() tenant: TenantPrincipal, @Body() dto: CannedReplyDto) {
    return this.replies.create(tenant.tenantId, dto);
  }

  @ApiOkResponse({ description: 'The canned reply as changed' })
  @ApiErrors(...JSON_BODY_ERRORS, 404)
  @Audited('canned_reply.updated', { target: 'canned_reply' })
  @Put(':cannedReplyId')
  update(@CurrentTenant() tenant: TenantPrincipal, @Param('cannedReplyId', ParseIntPipe) id: number, @Body() dto: CannedReplyDto) {
    return this.replies.update(tenant.tenantId, id, dto);
  }

  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  @Audited('canned_reply.deleted', { target: 'canned_reply' })
  @Delete(':cannedReplyId')
  @HttpCode(204)
  remove(@CurrentTenant() tenant: TenantPrincipal, @Param('cannedReplyId', ParseIntPipe) id: number) {
    return this.replies.remove(tenant.tenantId, id);
  }
}
