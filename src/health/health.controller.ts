import { Controller, Get, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { HealthRegistry } from './health.registry';

@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: HealthRegistry,
  ) {}

  /** 200 when the database answers and every running mail source is healthy, else 503 with the details. */
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
    const healthy = database.status === 'up' && sources.every((s) => s.status !== 'down');
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'degraded', database, sources });
  }
}
