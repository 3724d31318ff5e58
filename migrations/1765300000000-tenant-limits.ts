import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

const OVERRIDES = ['max_users', 'max_domains', 'max_storage_mb', 'max_messages_per_day'];

/**
 * Per-tenant overrides of the tier's limits (null: the tier's value; -1: unlimited), as the
 * multi-tenancy guide's `PUT /api/tenants/:id` sets them; and the indexes the limits read by:
 * one sender's new tickets of the last hour (the flood throttle) and the held messages waiting
 * for release, across tenants.
 */
export class TenantLimits1765300000000 implements MigrationInterface {
  name = 'TenantLimits1765300000000';

  public async up(qr: QueryRunner): Promise<void> {
    await qr.addColumns(
      'tenants',
      OVERRIDES.map((name) => new TableColumn({ name, type: 'integer', isNullable: true })),
    );
    await qr.createIndex('email_processing_logs', new TableIndex({ name: 'idx_logs_tenant_sender', columnNames: ['tenant_id', 'from_address', 'created_at'] }));
    await qr.createIndex('email_processing_logs', new TableIndex({ name: 'idx_logs_outcome_created', columnNames: ['outcome', 'created_at'] }));
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('email_processing_logs', 'idx_logs_outcome_created');
    await qr.dropIndex('email_processing_logs', 'idx_logs_tenant_sender');
    for (const name of OVERRIDES) await qr.query(`ALTER TABLE tenants DROP COLUMN ${name}`);
  }
}
