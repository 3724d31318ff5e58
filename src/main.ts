import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { ConfigError, configFromProcessEnv, loadDotEnv } from './config/app-config';

async function main(): Promise<void> {
  loadDotEnv();
  const config = configFromProcessEnv();
  const app = await createApp(config);
  await app.listen(config.port);
  const logger = new Logger('Inbound');
  logger.log(`listening on http://localhost:${config.port} (database: ${config.database.type}, sources: ${config.processingMethods.join(', ')})`);
  if (config.generatedSecrets.length > 0) {
    logger.warn(
      `${config.generatedSecrets.join(', ')} not set: generated once and kept in ${config.dataDir}/secrets.json. ` +
        'Set them in .env for production.',
    );
    // Printed once: a log is kept and shipped far more widely than DATA_DIR.
    if (config.createdSecrets.includes('ADMIN_API_TOKEN')) {
      logger.log(`platform admin token: ${config.adminApiToken}`);
    } else if (config.generatedSecrets.includes('ADMIN_API_TOKEN')) {
      logger.log(`platform admin token: see ADMIN_API_TOKEN in ${config.dataDir}/secrets.json (printed only when it was generated)`);
    }
  }
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
