import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19: the sender-authentication verdict of an inbound message (pass, fail, temperror,
 * none) and the checks behind it. NULL for outbound messages and for mail filed before.
 */
export class SenderAuthentication1765200000000 implements MigrationInterface {
  name = 'SenderAuthentication1765200000000';

  public async up(qr: QueryRunner): Promise<void> {
    await qr.query('ALTER TABLE ticket_messages ADD COLUMN sender_auth varchar(16) NULL');
    await qr.query('ALTER TABLE ticket_messages ADD COLUMN sender_auth_details varchar(255) NULL');
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.query('ALTER TABLE ticket_messages DROP COLUMN sender_auth_details');
    await qr.query('ALTER TABLE ticket_messages DROP COLUMN sender_auth');
  }
}
