import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tier } from './tiers';

export type TenantStatus = 'active' | 'disabled';

@Entity('tenants')
export class Tenant {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 100 }) slug: string;
  @Column({ type: 'varchar', length: 20 }) tier: Tier;
  @Column({ type: 'varchar', length: 20 }) status: TenantStatus;
  @Column({ name: 'ticket_counter', type: 'integer', default: 0 }) ticketCounter: number;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', precision: 3 }) updatedAt: Date;
}
