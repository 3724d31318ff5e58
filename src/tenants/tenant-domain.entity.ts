import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A domain a tenant claims. It routes mail only once verified; `verifiedDomain` (unique) makes the first verifier its only owner. */
@Entity('tenant_domains')
export class TenantDomain {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'tenant_id', type: 'integer' }) tenantId: number;
  @Column({ type: 'varchar', length: 253 }) domain: string;
  /** The value the tenant publishes in DNS to prove it controls the domain. */
  @Column({ name: 'verification_token', type: 'varchar', length: 64, nullable: true }) verificationToken: string | null;
  @Column({ name: 'verified_domain', type: 'varchar', length: 253, nullable: true }) verifiedDomain: string | null;
  @Column({ name: 'verified_at', type: 'datetime', precision: 3, nullable: true }) verifiedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
}
