import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Raw messages moved into segment files: a processing-log row says where its message is. */
export class RawMessageLocations1763900000000 implements MigrationInterface {
  name = 'RawMessageLocations1763900000000';

  public async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('email_processing_logs', new TableColumn({ name: 'raw_location', type: 'varchar', length: '300', isNullable: true }));
  }

  public async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('email_processing_logs', 'raw_location');
  }
}
