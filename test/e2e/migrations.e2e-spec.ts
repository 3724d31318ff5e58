import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/config/app-config';
import { dataSourceOptions, MIGRATIONS } from '../../src/database/data-source-options';
import { runMigrationsExclusively } from '../../src/database/run-migrations';
import { freshMysqlDatabase } from '../support/database';

describe('migrations on MariaDB', () => {
  it('let several instances start on an empty database at once: one migrates, the others wait', async () => {
    const db = await freshMysqlDatabase();
    const config = AppConfig.fromEnvironment({
      DB_TYPE: 'mysql',
      DB_HOST: process.env.DB_HOST,
      DB_PORT: process.env.DB_PORT,
      DB_USERNAME: process.env.DB_USERNAME,
      DB_PASSWORD: process.env.DB_PASSWORD,
      DB_DATABASE: db.database,
      APP_KEY: 'k'.repeat(40),
      ADMIN_API_TOKEN: 'a'.repeat(32),
      DOCKER_MAIL_WEBHOOK_SECRET: 's'.repeat(20),
    });
    const instances = await Promise.all([1, 2, 3].map(() => new DataSource(dataSourceOptions(config.database)).initialize()));
    try {
      const applied = await Promise.all(instances.map((ds) => runMigrationsExclusively(ds)));
      expect(applied.map((a) => a.length).sort()).toEqual([0, 0, MIGRATIONS.length]);
      const [{ n }] = await instances[0].query('SELECT COUNT(*) AS n FROM migrations');
      expect(Number(n)).toBe(MIGRATIONS.length);
    } finally {
      await Promise.all(instances.map((ds) => ds.destroy()));
      await db.drop();
    }
  });
});
