import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** What each trigger records: [name, timing and table, event type, message id, the columns whose change counts (all when empty)]. */
const TRIGGERS: [string, string, string, string, string[]][] = [
  ['trg_events_ticket_created', 'AFTER INSERT ON tickets', 'ticket.created', 'NULL', []],
  ['trg_events_ticket_updated', 'AFTER UPDATE ON tickets', 'ticket.updated', 'NULL', []],
  ['trg_events_message_created', 'AFTER INSERT ON ticket_messages', 'message.created', 'NEW.id', []],
  ['trg_events_delivery_updated', 'AFTER UPDATE ON ticket_messages', 'delivery.updated', 'NEW.id', ['delivery_status', 'delivery_detail']],
];

/**
 * The live-update log (GET /api/events): one row per change to a ticket, its messages or their
 * delivery, written by triggers in the transaction of the change itself, so every writer (ingest,
 * replies, the outbox, the API) records without knowing, and a rolled-back change records nothing.
 * Every instance reads the rows by id; that is what carries an event to clients of other replicas.
 */
export class Events1765150000000 implements MigrationInterface {
  name = 'Events1765150000000';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    await qr.createTable(
      new Table({
        name: 'events',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'tenant_id', type: 'integer' },
          { name: 'ticket_id', type: 'integer' },
          { name: 'type', type: 'varchar', length: '32' },
          { name: 'message_id', type: 'integer', isNullable: true },
          { name: 'created_at', type: 'datetime', precision: mysql ? 3 : undefined },
        ],
        indices: [
          new TableIndex({ name: 'idx_events_tenant_id', columnNames: ['tenant_id', 'id'] }),
          new TableIndex({ name: 'idx_events_created', columnNames: ['created_at'] }),
        ],
        // Deleting a tenant deletes its data, its events included.
        foreignKeys: [new TableForeignKey({ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
    for (const [name, when, type, messageId, changed] of TRIGGERS) {
      await qr.query(mysql ? mysqlTrigger(name, when, type, messageId, changed) : sqliteTrigger(name, when, type, messageId, changed));
    }
  }

  public async down(qr: QueryRunner): Promise<void> {
    for (const [name] of TRIGGERS) await qr.query(`DROP TRIGGER IF EXISTS ${name}`);
    await qr.dropTable('events');
  }
}

const ticketOf = (when: string) => (when.endsWith('ON tickets') ? 'NEW.id' : 'NEW.ticket_id');

function sqliteTrigger(name: string, when: string, type: string, messageId: string, changed: string[]): string {
  const condition = changed.length ? ` WHEN ${changed.map((c) => `NEW.${c} IS NOT OLD.${c}`).join(' OR ')}` : '';
  return `CREATE TRIGGER ${name} ${when} FOR EACH ROW${condition} BEGIN
    INSERT INTO events (tenant_id, ticket_id, type, message_id, created_at)
    VALUES (NEW.tenant_id, ${ticketOf(when)}, '${type}', ${messageId}, strftime('%Y-%m-%d %H:%M:%f', 'now'));
  END`;
}

/** One statement without BEGIN…END: no DELIMITER games, and it runs through any driver. */
function mysqlTrigger(name: string, when: string, type: string, messageId: string, changed: string[]): string {
  const condition = changed.length ? ` FROM DUAL WHERE ${changed.map((c) => `NOT (NEW.${c} <=> OLD.${c})`).join(' OR ')}` : '';
  return `CREATE TRIGGER ${name} ${when} FOR EACH ROW
    INSERT INTO events (tenant_id, ticket_id, type, message_id, created_at)
    SELECT NEW.tenant_id, ${ticketOf(when)}, '${type}', ${messageId}, UTC_TIMESTAMP(3)${condition}`;
}
