import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenantsModule } from '../tenants/tenants.module';
import { EventsController } from './events.controller';
import { EventsHub } from './events-hub';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { LiveEvent } from './live-event.entity';

/** Live updates: GET /api/events, fed by the events table that database triggers write. */
@Module({
  imports: [TypeOrmModule.forFeature([LiveEvent]), TenantsModule],
  controllers: [EventsController],
  providers: [EventsRepository, EventsHub, EventsService],
  exports: [EventsHub],
})
export class EventsModule {}
