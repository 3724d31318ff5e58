import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';
import { MetricsRegistry } from './metrics.registry';

@Global()
@Module({ controllers: [HealthController], providers: [HealthRegistry, MetricsRegistry], exports: [HealthRegistry, MetricsRegistry] })
export class HealthModule {}
