import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** Who has a ticket open, and who is writing a reply to it: heartbeats, in the database so that every instance sees them. */
export class TicketPresence1765500000008 implements MigrationInterface {
  name = 'TicketPresence1765500000008';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    const fk = (column: string, table: string) => new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'CASCADE' });
    await qr.createTable(
      new Table({
        name: 'ticket_presence',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'tenant_id', type: 'integer' },
          { name: 'ticket_id', type: 'integer' },
          { name: 'user_id', type: 'integer' },
          { name: 'writing', type: 'boolean', default: 0 },
          { name: 'seen_at', type: 'datetime', precision: mysql ? 3 : undefined },
        ],
        indices: [new TableIndex({ name: 'uq_ticket_presence_ticket_user', columnNames: ['ticket_id', 'user_id'], isUnique: true })],
        foreignKeys: [fk('tenant_id', 'tenants'), fk('ticket_id', 'tickets'), fk('user_id', 'users')],
      }),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('ticket_presence', true);
  }
}
