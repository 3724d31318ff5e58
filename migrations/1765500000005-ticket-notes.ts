import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** Internal notes on a ticket: never sent, kept apart from the messages so that threading never sees them. */
export class TicketNotes1765500000005 implements MigrationInterface {
  name = 'TicketNotes1765500000005';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    await qr.createTable(
      new Table({
        name: 'ticket_notes',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'tenant_id', type: 'integer' },
          { name: 'ticket_id', type: 'integer' },
          { name: 'author_user_id', type: 'integer', isNullable: true },
          { name: 'author_name', type: 'varchar', length: '200', isNullable: true },
          { name: 'body', type: 'text' },
          { name: 'created_at', type: 'datetime', precision: mysql ? 3 : undefined, default: mysql ? 'CURRENT_TIMESTAMP(3)' : "(strftime('%Y-%m-%d %H:%M:%f','now'))" },
        ],
        indices: [new TableIndex({ name: 'idx_ticket_notes_ticket', columnNames: ['tenant_id', 'ticket_id'] })],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
          new TableForeignKey({ columnNames: ['ticket_id'], referencedTableName: 'tickets', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
          new TableForeignKey({ columnNames: ['author_user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'SET NULL' }),
        ],
      }),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('ticket_notes', true);
  }
}
