import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Microsoft 365 and Google mailboxes (issue 18): the grant (refresh token, and the access token
 * with its expiry, both encrypted), a tenant's own app registration when it brings one, the
 * versions that make each refresh a compare-and-swap, the claim that makes one instance refresh at a time, and when the tenant's admins were last told
 * of the connection going bad; and whether the tenant's replies leave through the mailbox (XOAUTH2).
 */
export class MailboxOAuth1765700000000 implements MigrationInterface {
  name = 'MailboxOAuth1765700000000';

  public async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
    const precision = mysql ? 3 : undefined;
    await qr.addColumns('tenant_mailboxes', [
      new TableColumn({ name: 'oauth_refresh_token_encrypted', type: 'text', isNullable: true }),
      new TableColumn({ name: 'oauth_access_token_encrypted', type: 'text', isNullable: true }),
      new TableColumn({ name: 'oauth_access_token_expires_at', type: 'datetime', precision, isNullable: true }),
      new TableColumn({ name: 'oauth_token_version', type: 'integer', default: 0 }),
      new TableColumn({ name: 'oauth_grant_version', type: 'integer', default: 0 }),
      new TableColumn({ name: 'oauth_client_id', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'oauth_client_secret_encrypted', type: 'text', isNullable: true }),
      new TableColumn({ name: 'oauth_authorize_url', type: 'varchar', length: '1000', isNullable: true }),
      new TableColumn({ name: 'oauth_token_url', type: 'varchar', length: '1000', isNullable: true }),
      new TableColumn({ name: 'problem_notified_at', type: 'datetime', precision, isNullable: true }),
      new TableColumn({ name: 'sends_replies', type: 'boolean', default: 0 }),
      new TableColumn({ name: 'oauth_refreshing_until', type: 'datetime', precision, isNullable: true }),
    ]);
  }

  public async down(qr: QueryRunner): Promise<void> {
    for (const column of [
      'oauth_refreshing_until',
      'sends_replies',
      'problem_notified_at',
      'oauth_token_url',
      'oauth_authorize_url',
      'oauth_client_secret_encrypted',
      'oauth_client_id',
      'oauth_grant_version',
      'oauth_token_version',
      'oauth_access_token_expires_at',
      'oauth_access_token_encrypted',
      'oauth_refresh_token_encrypted',
    ]) {
      await qr.dropColumn('tenant_mailboxes', column);
    }
  }
}
