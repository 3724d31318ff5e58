import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** The senders whose remote images a tenant loads without asking ("always for this sender"). */
export class RemoteImageSenders1765100000000 implements MigrationInterface {
  name = 'RemoteImageSenders1765100000000';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    await qr.createTable(
      new Table({
        name: 'remote_image_senders',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'tenant_id', type: 'integer' },
          { name: 'address', type: 'varchar', length: '320' },
          {
            name: 'created_at',
            type: 'datetime',
            precision: mysql ? 3 : undefined,
            default: mysql ? 'CURRENT_TIMESTAMP(3)' : "(strftime('%Y-%m-%d %H:%M:%f','now'))",
          },
        ],
        indices: [new TableIndex({ name: 'uq_remote_image_senders_tenant_address', columnNames: ['tenant_id', 'address'], isUnique: true })],
        foreignKeys: [new TableForeignKey({ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('remote_image_senders', true);
  }
}
