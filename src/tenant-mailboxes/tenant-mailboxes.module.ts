import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailboxSendingRoutes } from '../common/mailbox-sending';
import { InboundModule } from '../inbound/inbound.module';
import { OutboundModule } from '../outbound/outbound.module';
import { TenantsModule } from '../tenants/tenants.module';
import { MailboxNoticesService } from './mailbox-notices.service';
import { MailboxOAuthController } from './mailbox-oauth.controller';
import { MailboxOAuthService } from './mailbox-oauth.service';
import { TenantMailboxSending } from './mailbox-sending.service';
import { SourcesModule } from '../sources/sources.module';
import { TenantMailbox } from './tenant-mailbox.entity';
import { TenantMailboxReadersService } from './tenant-mailbox-readers.service';
import { TenantMailboxesAdminController, TenantMailboxesController } from './tenant-mailboxes.controller';
import { TenantMailboxesRepository } from './tenant-mailboxes.repository';
import { TenantMailboxesService } from './tenant-mailboxes.service';

/** Mailboxes tenants connect themselves (issue 18): the API, OAuth2 for Microsoft 365 and Google, their readers spread over the instances, and the notices when one goes bad. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([TenantMailbox]), InboundModule, SourcesModule, OutboundModule, TenantsModule],
  controllers: [TenantMailboxesController, TenantMailboxesAdminController, MailboxOAuthController],
  providers: [
    TenantMailboxesService,
    TenantMailboxesRepository,
    TenantMailboxReadersService,
    MailboxOAuthService,
    MailboxNoticesService,
    { provide: MailboxSendingRoutes, useClass: TenantMailboxSending },
  ],
  // Global for MailboxSendingRoutes only: the outbound module sends through it but cannot import this one (which imports it).
  exports: [MailboxSendingRoutes],
})
export class TenantMailboxesModule {}
