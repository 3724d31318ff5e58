import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, configFromProcessEnv, loadDotEnv } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { runMigrationsExclusively } from './run-migrations';

/** One-shot: apply pending migrations to the configured database and exit. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = configFromProcessEnv();
  const dataSource = await new DataSource(dataSourceOptions(config.database)).initialize();
  const applied = await runMigrationsExclusively(dataSource);
  console.log(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}` : 'no pending migrations');
  await dataSource.destroy();
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
});
