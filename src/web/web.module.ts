import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { MeController } from './me.controller';
import { WebController } from './web.controller';

@Module({
  imports: [AccountsModule],
  controllers: [WebController, MeController],
})
export class WebModule {}
