import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InboundModule } from '../inbound/inbound.module';
import { SourcesModule } from '../sources/sources.module';
import { TenantMailbox } from './tenant-mailbox.entity';
import { TenantMailboxReadersService } from './tenant-mailbox-readers.service';
import { TenantMailboxesAdminController, TenantMailboxesController } from './tenant-mailboxes.controller';
import { TenantMailboxesRepository } from './tenant-mailboxes.repository';
import { TenantMailboxesService } from './tenant-mailboxes.service';

/** Mailboxes tenants connect themselves (issue 18): the API, and their readers spread over the instances. */
@Module({
  imports: [TypeOrmModule.forFeature([TenantMailbox]), InboundModule, SourcesModule],
  controllers: [TenantMailboxesController, TenantMailboxesAdminController],
  providers: [TenantMailboxesService, TenantMailboxesRepository, TenantMailboxReadersService],
})
export class TenantMailboxesModule {}
