import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One e-mail that told a tenant's admins it reached a threshold of a limit (see LimitNoticesService). */
@Entity('limit_notices')
export class LimitNotice {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'tenant_id', type: 'integer' }) tenantId: number;
  @Column({ name: 'limit_name', type: 'varchar', length: 40 }) limitName: string;
  @Column({ type: 'integer' }) threshold: number;
  /** The UTC day for the daily message limit; "ongoing" for the others. */
  @Column({ type: 'varchar', length: 10 }) period: string;
  @Column({ name: 'notified_at', type: 'datetime', precision: 3 }) notifiedAt: Date;
}
