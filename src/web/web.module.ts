import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module';
import { MeController } from './me.controller';
import { MeService } from './me.service';
import { WebController } from './web.controller';

@Module({
  imports: [TenantsModule],
  controllers: [WebController, MeController],
  providers: [MeService],
})
export class WebModule {}
