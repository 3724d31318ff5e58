import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKey, TableIndex } from 'typeorm';

/**
 * People sign in: users get a sign-in address and a password hash, operators (platform admins)
 * become named accounts, and browser sessions are kept server-side. The users columns are added
 * with plain ALTER TABLE on both engines: TypeORM's SQLite addColumn rebuilds the table, and
 * dropping `users` would cascade to the API tokens that reference it.
 */
export class Accounts1765500000000 implements MigrationInterface {
  name = 'Accounts1765500000000';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = isMysql(qr);
    const datetime = mysql ? 'datetime(3)' : 'datetime';
    await qr.query('ALTER TABLE users ADD COLUMN sign_in_email varchar(320) NULL');
    await qr.query('ALTER TABLE users ADD COLUMN password_hash varchar(255) NULL');
    await qr.query(`ALTER TABLE users ADD COLUMN password_changed_at ${datetime} NULL`);
    // One account per address across tenants: signing in names no tenant. NULLs do not collide.
    await qr.query('CREATE UNIQUE INDEX uq_users_sign_in_email ON users (sign_in_email)');

    const c = columns(mysql);
    await qr.createTable(
      new Table({
        name: 'operators',
        columns: [c.id(), c.string('email', 320), c.string('name', 200), c.string('password_hash', 255, true), c.timestamp('password_changed_at', true), c.createdAt()],
        indices: [new TableIndex({ name: 'uq_operators_email', columnNames: ['email'], isUnique: true })],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'sessions',
        columns: [
          c.id(),
          c.string('token_hash', 64),
          { name: 'user_id', type: 'integer', isNullable: true },
          { name: 'operator_id', type: 'integer', isNullable: true },
          c.string('ip', 64, true),
          c.string('user_agent', 300, true),
          c.createdAt(),
          c.timestamp('last_seen_at'),
          c.timestamp('expires_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_sessions_token_hash', columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ name: 'idx_sessions_user', columnNames: ['user_id'] }),
          new TableIndex({ name: 'idx_sessions_operator', columnNames: ['operator_id'] }),
        ],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
          new TableForeignKey({ columnNames: ['operator_id'], referencedTableName: 'operators', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
        ],
      }),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('sessions', true);
    await qr.dropTable('operators', true);
    await qr.query(isMysql(qr) ? 'DROP INDEX uq_users_sign_in_email ON users' : 'DROP INDEX uq_users_sign_in_email');
    for (const column of ['password_changed_at', 'password_hash', 'sign_in_email']) await qr.query(`ALTER TABLE users DROP COLUMN ${column}`);
  }
}

function isMysql(qr: QueryRunner): boolean {
  return qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
}

function columns(mysql: boolean) {
  const now = mysql ? 'CURRENT_TIMESTAMP(3)' : "(strftime('%Y-%m-%d %H:%M:%f','now'))";
  const precision = mysql ? 3 : undefined;
  return {
    id: (): TableColumnOptions => ({ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' }),
    string: (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable }),
    timestamp: (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'datetime', precision, isNullable }),
    createdAt: (): TableColumnOptions => ({ name: 'created_at', type: 'datetime', precision, default: now }),
  };
}
