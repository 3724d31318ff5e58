import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Who did what: one row per state-changing action. No foreign keys on purpose: the record of a
 * deleted tenant, user or token outlives it (retention, AUDIT_LOG_RETENTION_DAYS, removes rows).
 */
export class AuditLog1765500000002 implements MigrationInterface {
  name = 'AuditLog1765500000002';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    const precision = mysql ? 3 : undefined;
    const text = mysql ? 'mediumtext' : 'text';
    await qr.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'tenant_id', type: 'integer', isNullable: true },
          { name: 'actor_kind', type: 'varchar', length: '20' },
          { name: 'actor_id', type: 'integer', isNullable: true },
          { name: 'actor_name', type: 'varchar', length: '200', isNullable: true },
          { name: 'action', type: 'varchar', length: '80' },
          { name: 'target_type', type: 'varchar', length: '40', isNullable: true },
          { name: 'target_id', type: 'varchar', length: '320', isNullable: true },
          { name: 'changes', type: text, isNullable: true },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'created_at', type: 'datetime', precision, default: mysql ? 'CURRENT_TIMESTAMP(3)' : "(strftime('%Y-%m-%d %H:%M:%f','now'))" },
        ],
        indices: [
          new TableIndex({ name: 'idx_audit_log_tenant_time', columnNames: ['tenant_id', 'created_at'] }),
          new TableIndex({ name: 'idx_audit_log_time', columnNames: ['created_at'] }),
        ],
      }),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('audit_log', true);
  }
}
