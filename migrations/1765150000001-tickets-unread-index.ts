import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/** The page title's unread count (GET /api/tickets/summary) is asked after every live event: an index answers it. */
export class TicketsUnreadIndex1765150000001 implements MigrationInterface {
  name = 'TicketsUnreadIndex1765150000001';

  public async up(qr: QueryRunner): Promise<void> {
    await qr.createIndex('tickets', new TableIndex({ name: 'idx_tickets_tenant_unread', columnNames: ['tenant_id', 'has_unread'] }));
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('tickets', 'idx_tickets_tenant_unread');
  }
}
