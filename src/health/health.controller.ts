import { Controller, Get, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { HealthRegistry } from './health.registry';
import { MetricsRegistry } from './metrics.registry';

@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: HealthRegistry,
    private readonly metrics: MetricsRegistry,
  ) {}

  /**
   * 200 while the database answers (the webhook and API work), 503 when it does not. A mail
   * source that is down makes the status "degraded" but keeps 200: the instance still serves.
   */
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
    const sources = this.registry.report();
    const status = database.status === 'down' ? 'down' : sources.some((s) => s.status === 'down') ? 'degraded' : 'ok';
    res.status(database.status === 'up' ? 200 : 503).json({ status, database, sources });
  }

  @Get('metrics')
  @Public()
  async prometheus(@Res() res: Response): Promise<void> {
    res.type('text/plain; version=0.0.4').send(await this.metrics.render());
  }
}
