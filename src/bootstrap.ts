import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { useApiDocs } from './common/api-docs';
import { HttpErrorFilter } from './common/http-error.filter';
import { useRequestBodies } from './common/request-bodies';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/** Builds the configured application; main.ts listens, tests use it with supertest. */
export async function createApp(config: AppConfig, options: { logger?: false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forConfig(config), {
    bodyParser: false,
    // Throw instead of exiting the process, so that callers (main, tests, bench) report the cause.
    abortOnError: false,
    logger: options.logger === false ? false : LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1),
  });
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy.length > 0 ? [...config.trustProxy] : false);
  useRequestBodies(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableShutdownHooks();
  useApiDocs(app);
  return app;
}
