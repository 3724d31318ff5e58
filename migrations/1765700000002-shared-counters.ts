import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Counters every instance shares (failed sign-ins per account, reset mails per address): one row
 * per key with its hits in the current window and, past the limit, until when the key is
 * blocked. Times are epoch milliseconds, compared as numbers on both engines.
 */
export class SharedCounters1765700000002 implements MigrationInterface {
  name = 'SharedCounters1765700000002';

  public async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'shared_counters',
        columns: [
          { name: 'counter_key', type: 'varchar', length: '120', isPrimary: true },
          { name: 'hits', type: 'integer' },
          { name: 'window_ends_ms', type: 'bigint' },
          { name: 'blocked_until_ms', type: 'bigint', isNullable: true },
        ],
      }),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('shared_counters');
  }
}
