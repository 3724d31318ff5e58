import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TenantRole } from '../auth/principal';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'tenant_id', type: 'integer' }) tenantId: number;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 320, nullable: true }) email: string | null;
  @Column({ type: 'varchar', length: 20 }) role: TenantRole;
  /** The address the user signs in with, unique across tenants; null for users that only have tokens. */
  @Column({ name: 'sign_in_email', type: 'varchar', length: 320, nullable: true }) signInEmail: string | null;
  /** argon2id; null until the user accepts the invitation. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true, select: false }) passwordHash: string | null;
  @Column({ name: 'password_changed_at', type: 'datetime', precision: 3, nullable: true }) passwordChangedAt: Date | null;
  /** When a TOTP second factor was confirmed; null: none. */
  @Column({ name: 'totp_enabled_at', type: 'datetime', precision: 3, nullable: true }) totpEnabledAt: Date | null;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
}
