import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ActorKind = 'operator' | 'user' | 'token' | 'bootstrap' | 'anonymous';

@Entity('audit_log')
export class AuditEntry {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'tenant_id', type: 'integer', nullable: true }) tenantId: number | null;
  @Column({ name: 'actor_kind', type: 'varchar', length: 20 }) actorKind: ActorKind;
  @Column({ name: 'actor_id', type: 'integer', nullable: true }) actorId: number | null;
  /** The name when it happened: the person or token may be renamed or deleted since. */
  @Column({ name: 'actor_name', type: 'varchar', length: 200, nullable: true }) actorName: string | null;
  @Column({ type: 'varchar', length: 80 }) action: string;
  @Column({ name: 'target_type', type: 'varchar', length: 40, nullable: true }) targetType: string | null;
  @Column({ name: 'target_id', type: 'varchar', length: 320, nullable: true }) targetId: string | null;
  /** JSON {field: {before, after}}; secrets appear only as {changed: true}. */
  @Column({ type: 'text', nullable: true }) changes: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) ip: string | null;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
}
