import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** The reply an agent is writing, per ticket and agent, kept on the server: it survives navigation and another device. */
export class ReplyDrafts1765500000006 implements MigrationInterface {
  name = 'ReplyDrafts1765500000006';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    const fk = (column: string, table: string) => new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'CASCADE' });
    await qr.createTable(
      new Table({
        name: 'reply_drafts',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'tenant_id', type: 'integer' },
          { name: 'ticket_id', type: 'integer' },
          { name: 'user_id', type: 'integer' },
          { name: 'body_text', type: mysql ? 'mediumtext' : 'text' },
          { name: 'cc', type: 'varchar', length: '2000', isNullable: true },
          { name: 'updated_at', type: 'datetime', precision: mysql ? 3 : undefined, default: mysql ? 'CURRENT_TIMESTAMP(3)' : "(strftime('%Y-%m-%d %H:%M:%f','now'))" },
        ],
        indices: [new TableIndex({ name: 'uq_reply_drafts_ticket_user', columnNames: ['ticket_id', 'user_id'], isUnique: true })],
        foreignKeys: [fk('tenant_id', 'tenants'), fk('ticket_id', 'tickets'), fk('user_id', 'users')],
      }),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('reply_drafts', true);
  }
}
