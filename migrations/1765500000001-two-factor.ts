import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/**
 * TOTP second factor: an encrypted secret per account (enabled once a first code confirmed it),
 * the last time step used (a code works once), one-time recovery codes, and the tenant's rule
 * that its people must use it. Plain ALTER TABLE: see 1765500000000-accounts.
 */
export class TwoFactor1765500000001 implements MigrationInterface {
  name = 'TwoFactor1765500000001';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = isMysql(qr);
    const datetime = mysql ? 'datetime(3)' : 'datetime';
    for (const table of ['users', 'operators']) {
      await qr.query(`ALTER TABLE ${table} ADD COLUMN totp_secret_encrypted varchar(255) NULL`);
      await qr.query(`ALTER TABLE ${table} ADD COLUMN totp_enabled_at ${datetime} NULL`);
      await qr.query(`ALTER TABLE ${table} ADD COLUMN totp_last_step bigint NULL`);
    }
    await qr.query('ALTER TABLE tenants ADD COLUMN require_two_factor boolean NOT NULL DEFAULT 0');
    await qr.createTable(
      new Table({
        name: 'recovery_codes',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'user_id', type: 'integer', isNullable: true },
          { name: 'operator_id', type: 'integer', isNullable: true },
          { name: 'code_hash', type: 'varchar', length: '64' },
          { name: 'used_at', type: 'datetime', precision: mysql ? 3 : undefined, isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'idx_recovery_codes_user', columnNames: ['user_id'] }),
          new TableIndex({ name: 'idx_recovery_codes_operator', columnNames: ['operator_id'] }),
        ],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
          new TableForeignKey({ columnNames: ['operator_id'], referencedTableName: 'operators', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
        ],
      }),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('recovery_codes', true);
    await qr.query('ALTER TABLE tenants DROP COLUMN require_two_factor');
    for (const table of ['users', 'operators']) {
      for (const column of ['totp_last_step', 'totp_enabled_at', 'totp_secret_encrypted']) await qr.query(`ALTER TABLE ${table} DROP COLUMN ${column}`);
    }
  }
}

function isMysql(qr: QueryRunner): boolean {
  return qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
}
