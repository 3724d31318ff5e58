import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** Canned replies a tenant admin keeps for the team, and the tenant's signature under agents' replies. */
export class CannedReplies1765500000007 implements MigrationInterface {
  name = 'CannedReplies1765500000007';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    await qr.createTable(
      new Table({
        name: 'canned_replies',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'tenant_id', type: 'integer' },
          { name: 'title', type: 'varchar', length: '200' },
          { name: 'body', type: 'text' },
          { name: 'created_at', type: 'datetime', precision: mysql ? 3 : undefined, default: mysql ? 'CURRENT_TIMESTAMP(3)' : "(strftime('%Y-%m-%d %H:%M:%f','now'))" },
        ],
        indices: [new TableIndex({ name: 'idx_canned_replies_tenant', columnNames: ['tenant_id'] })],
        foreignKeys: [new TableForeignKey({ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
    await qr.query('ALTER TABLE email_settings ADD COLUMN reply_signature text NULL');
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.query('ALTER TABLE email_settings DROP COLUMN reply_signature');
    await qr.dropTable('canned_replies', true);
  }
}
