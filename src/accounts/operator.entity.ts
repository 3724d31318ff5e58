import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A named platform admin who signs in as a person; ADMIN_API_TOKEN stays the bootstrap credential. */
@Entity('operators')
export class Operator {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 320 }) email: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true, select: false }) passwordHash: string | null;
  @Column({ name: 'password_changed_at', type: 'datetime', precision: 3, nullable: true }) passwordChangedAt: Date | null;
  @Column({ name: 'totp_enabled_at', type: 'datetime', precision: 3, nullable: true }) totpEnabledAt: Date | null;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
}
