import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type SmtpSecurity = 'none' | 'starttls' | 'tls';
export const SMTP_SECURITY: readonly SmtpSecurity[] = ['none', 'starttls', 'tls'];

@Entity('email_settings')
export class EmailSettings {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'tenant_id', type: 'integer' }) tenantId: number;
  @Column({ name: 'use_docker_mail_server', type: 'boolean', default: true }) useDockerMailServer: boolean;
  @Column({ name: 'inbound_email_domain', type: 'varchar', length: 253 }) inboundEmailDomain: string;
  @Column({ name: 'inbound_email_address', type: 'varchar', length: 320 }) inboundEmailAddress: string;
  @Column({ name: 'docker_mail_configured_at', type: 'datetime', precision: 3, nullable: true }) dockerMailConfiguredAt: Date | null;
  @Column({ name: 'smtp_host', type: 'varchar', length: 253, nullable: true }) smtpHost: string | null;
  @Column({ name: 'smtp_port', type: 'integer', nullable: true }) smtpPort: number | null;
  @Column({ name: 'smtp_security', type: 'varchar', length: 10, default: 'starttls' }) smtpSecurity: SmtpSecurity;
  @Column({ name: 'smtp_username', type: 'varchar', length: 320, nullable: true }) smtpUsername: string | null;
  @Column({ name: 'smtp_password_encrypted', type: 'text', nullable: true }) smtpPasswordEncrypted: string | null;
  @Column({ name: 'from_address', type: 'varchar', length: 320, nullable: true }) fromAddress: string | null;
  @Column({ name: 'from_name', type: 'varchar', length: 200, nullable: true }) fromName: string | null;
  /** The From name of agents' replies, with {agent} and {team}; null: "{agent} at {team}". */
  /** Added under agents' replies, with {agent}; null: none. */
  @Column({ name: 'reply_signature', type: 'text', nullable: true }) replySignature: string | null;
  @Column({ name: 'reply_from_name_template', type: 'varchar', length: 200, nullable: true }) replyFromNameTemplate: string | null;
  @Column({ name: 'auto_acknowledge', type: 'boolean', default: false }) autoAcknowledge: boolean;
  @Column({ name: 'auto_acknowledge_template', type: 'text', nullable: true }) autoAcknowledgeTemplate: string | null;
  @CreateDateColumn({ name: 'created_at', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', precision: 3 }) updatedAt: Date;
}
