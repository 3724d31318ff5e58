import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../database/column-transformers';

/** One row per tenant and UTC day; the counters the tier limits are checked against. */
@Entity('tenant_usage')
export class TenantUsage {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'tenant_id', type: 'integer' }) tenantId: number;
  @Column({ type: 'varchar', length: 10 }) day: string;
  @Column({ name: 'messages_in', type: 'integer', default: 0 }) messagesIn: number;
  @Column({ name: 'messages_out', type: 'integer', default: 0 }) messagesOut: number;
  @Column({ name: 'bytes_stored', type: 'bigint', default: 0, transformer: bigintAsNumber })
  bytesStored: number;
}
