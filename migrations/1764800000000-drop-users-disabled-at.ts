import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `users.disabled_at` was never written: no user could be disabled, so every user counted as
 * active. Plain ALTER TABLE on both engines: TypeORM's SQLite dropColumn rebuilds the table, and
 * dropping `users` would cascade to the API tokens that reference it.
 */
export class DropUsersDisabledAt1764800000000 implements MigrationInterface {
  name = 'DropUsersDisabledAt1764800000000';

  public async up(qr: QueryRunner): Promise<void> {
    await qr.query('ALTER TABLE users DROP COLUMN disabled_at');
  }

  public async down(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    await qr.query(`ALTER TABLE users ADD COLUMN disabled_at ${mysql ? 'datetime(3)' : 'datetime'} NULL`);
  }
}
