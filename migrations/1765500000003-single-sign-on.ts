import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/**
 * OpenID Connect single sign-on per tenant: its provider and client, and on users the identity
 * (issuer and subject) they signed in with. Plain ALTER TABLE on users: see 1765500000000-accounts.
 */
export class SingleSignOn1765500000003 implements MigrationInterface {
  name = 'SingleSignOn1765500000003';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    const precision = mysql ? 3 : undefined;
    const now = mysql ? 'CURRENT_TIMESTAMP(3)' : "(strftime('%Y-%m-%d %H:%M:%f','now'))";
    await qr.createTable(
      new Table({
        name: 'tenant_sso',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'tenant_id', type: 'integer' },
          { name: 'issuer', type: 'varchar', length: '400' },
          { name: 'client_id', type: 'varchar', length: '255' },
          { name: 'client_secret_encrypted', type: 'varchar', length: '1000' },
          { name: 'enabled', type: 'boolean', default: 1 },
          { name: 'created_at', type: 'datetime', precision, default: now },
          { name: 'updated_at', type: 'datetime', precision, default: now },
        ],
        indices: [new TableIndex({ name: 'uq_tenant_sso_tenant', columnNames: ['tenant_id'], isUnique: true })],
        foreignKeys: [new TableForeignKey({ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
    await qr.query('ALTER TABLE users ADD COLUMN sso_issuer varchar(400) NULL');
    await qr.query('ALTER TABLE users ADD COLUMN sso_subject varchar(255) NULL');
    await qr.query('CREATE UNIQUE INDEX uq_users_sso_identity ON users (sso_issuer, sso_subject)');
  }

  public async down(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    await qr.query(mysql ? 'DROP INDEX uq_users_sso_identity ON users' : 'DROP INDEX uq_users_sso_identity');
    for (const column of ['sso_subject', 'sso_issuer']) await qr.query(`ALTER TABLE users DROP COLUMN ${column}`);
    await qr.dropTable('tenant_sso', true);
  }
}
