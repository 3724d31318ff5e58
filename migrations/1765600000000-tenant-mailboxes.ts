import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/**
 * Mailboxes a tenant connects itself (issue 18): the connection (password encrypted like the SMTP
 * password), and the state its reader last reported, for the API, the UI and /health. Progress
 * and the reader lease live in mailbox_checkpoints under the key "tenant-mailbox:<id>".
 */
export class TenantMailboxes1765600000000 implements MigrationInterface {
  name = 'TenantMailboxes1765600000000';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    const precision = mysql ? 3 : undefined;
    await qr.createTable(
      new Table({
        name: 'tenant_mailboxes',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'tenant_id', type: 'integer' },
          { name: 'kind', type: 'varchar', length: '20' },
          { name: 'host', type: 'varchar', length: '253' },
          { name: 'port', type: 'integer' },
          { name: 'security', type: 'varchar', length: '10' },
          { name: 'username', type: 'varchar', length: '320' },
          { name: 'password_encrypted', type: 'text', isNullable: true },
          { name: 'folder', type: 'varchar', length: '200' },
          { name: 'enabled', type: 'boolean', default: 1 },
          { name: 'state', type: 'varchar', length: '30', default: "'connecting'" },
          { name: 'last_error', type: 'varchar', length: '1000', isNullable: true },
          { name: 'last_success_at', type: 'datetime', precision, isNullable: true },
          { name: 'backlog', type: 'integer', isNullable: true },
          { name: 'state_changed_at', type: 'datetime', precision, isNullable: true },
          { name: 'created_at', type: 'datetime', precision, default: mysql ? 'CURRENT_TIMESTAMP(3)' : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))" },
          { name: 'updated_at', type: 'datetime', precision, default: mysql ? 'CURRENT_TIMESTAMP(3)' : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))" },
        ],
        indices: [new TableIndex({ name: 'idx_tenant_mailboxes_tenant', columnNames: ['tenant_id'] })],
        foreignKeys: [new TableForeignKey({ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('tenant_mailboxes');
  }
}
