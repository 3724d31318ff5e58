import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A ticket's owner: one of the tenant's users, or nobody (a deleted user's tickets become
 * unassigned); and the tenant's template for the From name of agents' replies. Plain ALTER TABLE
 * on both engines: rebuilding tickets on SQLite would cascade to its messages.
 */
export class TicketAssignment1765500000004 implements MigrationInterface {
  name = 'TicketAssignment1765500000004';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    if (mysql) {
      await qr.query('ALTER TABLE tickets ADD COLUMN assignee_user_id integer NULL');
      await qr.query('ALTER TABLE tickets ADD CONSTRAINT fk_tickets_assignee FOREIGN KEY (assignee_user_id) REFERENCES users (id) ON DELETE SET NULL');
    } else {
      await qr.query('ALTER TABLE tickets ADD COLUMN assignee_user_id integer NULL REFERENCES users (id) ON DELETE SET NULL');
    }
    await qr.query('CREATE INDEX idx_tickets_tenant_assignee_activity ON tickets (tenant_id, assignee_user_id, last_activity_at)');
    await qr.query('ALTER TABLE email_settings ADD COLUMN reply_from_name_template varchar(200) NULL');
  }

  public async down(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    await qr.query('ALTER TABLE email_settings DROP COLUMN reply_from_name_template');
    await qr.query(mysql ? 'DROP INDEX idx_tickets_tenant_assignee_activity ON tickets' : 'DROP INDEX idx_tickets_tenant_assignee_activity');
    if (mysql) await qr.query('ALTER TABLE tickets DROP FOREIGN KEY fk_tickets_assignee');
    await qr.query('ALTER TABLE tickets DROP COLUMN assignee_user_id');
  }
}
