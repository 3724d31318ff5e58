import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Every inbound address a tenant has ever had. A renamed address keeps routing to its tenant
 * (customers reply to old Reply-To addresses for years) and is never given to another tenant;
 * when the tenant is deleted the row stays with no tenant, holding the address for good.
 */
@Entity('inbound_addresses')
export class InboundAddress {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 320 }) address: string;
  @Column({ name: 'tenant_id', type: 'integer', nullable: true }) tenantId: number | null;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
  /** When the tenant moved to another address; it still routes to the tenant. */
  @Column({ name: 'released_at', type: 'datetime', precision: 3, nullable: true }) releasedAt: Date | null;
}
