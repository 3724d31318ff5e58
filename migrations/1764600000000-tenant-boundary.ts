import { randomBytes } from 'node:crypto';
import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';

/**
 * The tenant boundary:
 * - a tenant's own domain routes mail only once its ownership is proven by a DNS TXT record with
 *   a per-claim token; several tenants may claim a domain, only one may verify it
 *   (`verified_domain` is unique and set on verification);
 * - every inbound address a tenant ever had is kept in `inbound_addresses`, so that a renamed
 *   address keeps routing to its tenant and is never given to another one, even after the
 *   tenant is deleted (the row then routes nowhere).
 *
 * Domains verified before this version (their MX, SPF, DKIM and DMARC all checked out while the
 * domain could be claimed by one tenant only) stay verified.
 */
export class TenantBoundary1764600000000 implements MigrationInterface {
  name = 'TenantBoundary1764600000000';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    const now = mysql ? 'CURRENT_TIMESTAMP(3)' : "(strftime('%Y-%m-%d %H:%M:%f','now'))";

    await qr.addColumns('tenant_domains', [
      new TableColumn({ name: 'verification_token', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'verified_domain', type: 'varchar', length: '253', isNullable: true }),
    ]);
    const domains: { id: number; verified_at: unknown }[] = await qr.query('SELECT id, verified_at FROM tenant_domains');
    for (const row of domains) {
      await qr.query('UPDATE tenant_domains SET verification_token = ? WHERE id = ?', [newVerificationToken(), row.id]);
    }
    await qr.query('UPDATE tenant_domains SET verified_domain = domain WHERE verified_at IS NOT NULL');
    await qr.dropIndex('tenant_domains', 'uq_tenant_domains_domain');
    await qr.createIndex('tenant_domains', new TableIndex({ name: 'uq_tenant_domains_tenant_domain', columnNames: ['tenant_id', 'domain'], isUnique: true }));
    await qr.createIndex('tenant_domains', new TableIndex({ name: 'uq_tenant_domains_verified', columnNames: ['verified_domain'], isUnique: true }));

    await qr.createTable(
      new Table({
        name: 'inbound_addresses',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'address', type: 'varchar', length: '320' },
          { name: 'tenant_id', type: 'integer', isNullable: true },
          { name: 'created_at', type: 'datetime', precision: mysql ? 3 : undefined, default: now },
          { name: 'released_at', type: 'datetime', precision: mysql ? 3 : undefined, isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'uq_inbound_addresses_address', columnNames: ['address'], isUnique: true }),
          new TableIndex({ name: 'ix_inbound_addresses_tenant', columnNames: ['tenant_id'] }),
        ],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'], onDelete: 'SET NULL' }),
        ],
      }),
    );
    await qr.query('INSERT INTO inbound_addresses (address, tenant_id) SELECT inbound_email_address, tenant_id FROM email_settings');
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('inbound_addresses', true);
    await qr.dropIndex('tenant_domains', 'uq_tenant_domains_verified');
    await qr.dropIndex('tenant_domains', 'uq_tenant_domains_tenant_domain');
    await qr.createIndex('tenant_domains', new TableIndex({ name: 'uq_tenant_domains_domain', columnNames: ['domain'], isUnique: true }));
    await qr.dropColumns('tenant_domains', ['verification_token', 'verified_domain']);
  }
}

/** The same shape the service gives new claims: 32 lowercase hex digits. */
function newVerificationToken(): string {
  return randomBytes(16).toString('hex');
}
