import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboundModule } from '../outbound/outbound.module';
import { TenantsModule } from '../tenants/tenants.module';
import { LimitNotice } from './limit-notice.entity';
import { LimitNoticesService } from './limit-notices.service';

/** The platform's e-mails to tenant admins about their plan's limits. */
@Module({
  imports: [TypeOrmModule.forFeature([LimitNotice]), TenantsModule, OutboundModule],
  providers: [LimitNoticesService],
})
export class NoticesModule {}
