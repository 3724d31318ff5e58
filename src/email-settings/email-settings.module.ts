import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EmailSettingsController, TenantEmailSettingsController } from './email-settings.controller';
import { EmailSettings } from './email-settings.entity';
import { EmailSettingsRepository } from './email-settings.repository';
import { InboundAddress } from './inbound-address.entity';
import { EmailSettingsService } from './email-settings.service';

@Module({
  imports: [TypeOrmModule.forFeature([EmailSettings, InboundAddress])],
  controllers: [EmailSettingsController, TenantEmailSettingsController],
  providers: [EmailSettingsService, EmailSettingsRepository],
  exports: [EmailSettingsService, EmailSettingsRepository],
})
export class EmailSettingsModule {}
