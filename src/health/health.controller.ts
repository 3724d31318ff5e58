import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { ApiErrors } from '../common/api-errors';
import { StorageHealth } from '../storage/storage.module';
import { HealthRegistry } from './health.registry';
import { MetricsRegistry } from './metrics.registry';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: HealthRegistry,
    private readonly metrics: MetricsRegistry,
    private readonly storage: StorageHealth,
  ) {
    metrics.addCollector(async () => {
      const storage = await this.storage.report();
      metrics.set('inbound_storage_writable', 'Whether DATA_DIR takes new mail (1) or not (0)', {}, storage.writable ? 1 : 0);
      if (storage.free_bytes !== null) metrics.set('inbound_storage_free_bytes', 'Free bytes in DATA_DIR', {}, storage.free_bytes);
      else metrics.unset('inbound_storage_free_bytes');
    });
  }

  /**
   * 200 while the database answers and DATA_DIR takes new mail (writable, free space above
   * STORAGE_MIN_FREE_MB): the webhook and API work. 503 otherwise, so that a load balancer takes
   * the instance out. A mail source that is down makes the status "degraded" but keeps 200: the
   * instance still serves.
   */
  @ApiOkResponse({ description: '{status: ok or degraded, database, storage, sources}' })
  @ApiResponse({ status: 503, description: '{status: down, ...}: the database or DATA_DIR is unavailable' })
  @Get('health')
  @Public()
  async health(@Res() res: Response): Promise<void> {
    const started = Date.now();
    let database: { status: 'up' | 'down'; type: string; latency_ms?: number; error?: string };
    try {
      await this.dataSource.query('SELECT 1');
      database = { status: 'up', type: String(this.dataSource.options.type), latency_ms: Date.now() - started };
    } catch (error) {
      database = { status: 'down', type: String(this.dataSource.options.type), error: (error as Error).message };
    }
    const storage = await this.storage.report();
    const sources = this.registry.report();
    const serving = database.status === 'up' && storage.status === 'up';
    const status = !serving ? 'down' : sources.some((s) => s.status === 'down') ? 'degraded' : 'ok';
    res.status(serving ? 200 : 503).json({ status, database, storage, sources });
  }

  @ApiOkResponse({
    description: 'Prometheus text format (prom-client): process metrics and the inbound_* series',
    content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } },
  })
  @ApiErrors(500)
  @Get('metrics')
  @Public()
  async prometheus(@Res() res: Response): Promise<void> {
    const text = await this.metrics.render();
    // Not res.send(): it would rewrite the parameters of prom-client's content type.
    res.setHeader('Content-Type', this.metrics.contentType);
    res.end(text);
  }
}
