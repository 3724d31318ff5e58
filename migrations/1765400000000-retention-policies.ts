import { MigrationInterface, QueryRunner, Table, TableForeignKey } from 'typeorm';

/** Per-tenant retention: days to keep raw messages, processing-log rows and closed tickets (null: forever). */
export class RetentionPolicies1765400000000 implements MigrationInterface {
  name = 'RetentionPolicies1765400000000';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    await qr.createTable(
      new Table({
        name: 'retention_policies',
        columns: [
          { name: 'tenant_id', type: 'integer', isPrimary: true },
          { name: 'raw_message_days', type: 'integer', isNullable: true },
          { name: 'processing_log_days', type: 'integer', isNullable: true },
          { name: 'closed_ticket_days', type: 'integer', isNullable: true },
          {
            name: 'updated_at',
            type: 'datetime',
            precision: mysql ? 3 : undefined,
            default: mysql ? 'CURRENT_TIMESTAMP(3)' : "(strftime('%Y-%m-%d %H:%M:%f','now'))",
          },
        ],
        foreignKeys: [new TableForeignKey({ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('retention_policies', true);
  }
}
