import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { LimitOverrides, Tier } from './tiers';

export type TenantStatus = 'active' | 'disabled';

@Entity('tenants')
export class Tenant {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 100 }) slug: string;
  @Column({ type: 'varchar', length: 20 }) tier: Tier;
  @Column({ type: 'varchar', length: 20 }) status: TenantStatus;
  /** Overrides of the tier's limits (null: the tier's; -1: unlimited). */
  @Column({ name: 'max_users', type: 'integer', nullable: true }) maxUsers: number | null;
  @Column({ name: 'max_domains', type: 'integer', nullable: true }) maxDomains: number | null;
  @Column({ name: 'max_storage_mb', type: 'integer', nullable: true }) maxStorageMb: number | null;
  @Column({ name: 'max_messages_per_day', type: 'integer', nullable: true }) maxMessagesPerDay: number | null;
  @Column({ name: 'ticket_counter', type: 'integer', default: 0 }) ticketCounter: number;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', precision: 3 }) updatedAt: Date;
}

export function limitOverrides(tenant: Pick<Tenant, 'maxUsers' | 'maxDomains' | 'maxStorageMb' | 'maxMessagesPerDay'>): LimitOverrides {
  return { max_users: tenant.maxUsers, max_domains: tenant.maxDomains, max_storage_mb: tenant.maxStorageMb, max_messages_per_day: tenant.maxMessagesPerDay };
}
