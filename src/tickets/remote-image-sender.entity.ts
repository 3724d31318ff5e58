import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A sender whose mail shows its remote images without asking, for every agent of the tenant. */
@Entity('remote_image_senders')
export class RemoteImageSender {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'tenant_id', type: 'integer' }) tenantId: number;
  /** Lower case. */
  @Column({ type: 'varchar', length: 320 }) address: string;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
}
