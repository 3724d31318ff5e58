import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { AccountsModule } from './accounts/accounts.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { EmailSettingsModule } from './email-settings/email-settings.module';
import { HealthModule } from './health/health.module';
import { InboundModule } from './inbound/inbound.module';
import { OutboundModule } from './outbound/outbound.module';
import { RetentionModule } from './retention/retention.module';
import { StorageModule } from './storage/storage.module';
import { TicketsModule } from './tickets/tickets.module';
import { TenantsModule } from './tenants/tenants.module';
import { SourcesModule } from './sources/sources.module';
import { TenantMailboxesModule } from './tenant-mailboxes/tenant-mailboxes.module';
import { NoticesModule } from './notices/notices.module';
import { WebModule } from './web/web.module';

@Module({})
export class AppModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ScheduleModule.forRoot(),
        DatabaseModule,
        StorageModule,
        HealthModule,
        TenantsModule,
        AuthModule,
        AuditModule,
        AccountsModule,
        EmailSettingsModule,
        InboundModule,
        TicketsModule,
        OutboundModule,
        SourcesModule,
        TenantMailboxesModule,
        NoticesModule,
        WebModule,
        EventsModule,
        RetentionModule,
      ],
    };
  }
}
