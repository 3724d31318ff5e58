import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/**
 * The e-mails that told a tenant's admins it reached 80 % or 100 % of a limit: one row per tenant,
 * limit, threshold and period (the UTC day for the daily message limit, "ongoing" for the others,
 * removed once usage drops below). The unique key makes exactly one instance send each.
 */
export class LimitNotices1765700000001 implements MigrationInterface {
  name = 'LimitNotices1765700000001';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    await qr.createTable(
      new Table({
        name: 'limit_notices',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'tenant_id', type: 'integer' },
          { name: 'limit_name', type: 'varchar', length: '40' },
          { name: 'threshold', type: 'integer' },
          { name: 'period', type: 'varchar', length: '10' },
          { name: 'notified_at', type: 'datetime', precision: mysql ? 3 : undefined },
        ],
        indices: [new TableIndex({ name: 'uq_limit_notices', columnNames: ['tenant_id', 'limit_name', 'threshold', 'period'], isUnique: true })],
        foreignKeys: [new TableForeignKey({ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('limit_notices');
  }
}
