import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A ready answer a tenant admin keeps for the team; agents insert it into a reply. */
@Entity('canned_replies')
export class CannedReply {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'tenant_id', type: 'integer' }) tenantId: number;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ type: 'text' }) body: string;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
}
