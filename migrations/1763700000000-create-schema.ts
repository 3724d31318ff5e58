import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKey, TableIndex } from 'typeorm';

/**
 * The whole initial schema. Written with TypeORM's Table API (not raw SQL) so that the same
 * migration produces correct DDL on SQLite and on MySQL/MariaDB.
 */
export class CreateSchema1763700000000 implements MigrationInterface {
  name = 'CreateSchema1763700000000';

  public async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);

    await qr.createTable(
      new Table({
        name: 'tenants',
        columns: [
          c.id(),
          c.string('name', 200),
          c.string('slug', 100),
          c.string('tier', 20, { default: "'free'" }),
          c.string('status', 20, { default: "'active'" }),
          c.integer('ticket_counter', { default: 0 }),
          c.createdAt(),
          c.updatedAt(),
        ],
        indices: [new TableIndex({ name: 'uq_tenants_slug', columnNames: ['slug'], isUnique: true })],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'tenant_domains',
        columns: [c.id(), c.tenantId(), c.string('domain', 253), c.timestamp('verified_at', true), c.createdAt()],
        indices: [new TableIndex({ name: 'uq_tenant_domains_domain', columnNames: ['domain'], isUnique: true })],
        foreignKeys: [c.tenantFk()],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'users',
        columns: [
          c.id(),
          c.tenantId(),
          c.string('name', 200),
          c.string('email', 320, { isNullable: true }),
          c.string('role', 20),
          c.timestamp('disabled_at', true),
          c.createdAt(),
        ],
        indices: [new TableIndex({ name: 'idx_users_tenant', columnNames: ['tenant_id'] })],
        foreignKeys: [c.tenantFk()],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          c.id(),
          c.tenantId(),
          c.integer('user_id', { isNullable: true }),
          c.string('name', 200),
          c.string('role', 20),
          c.string('token_hash', 64),
          c.string('token_prefix', 16),
          c.timestamp('last_used_at', true),
          c.timestamp('revoked_at', true),
          c.createdAt(),
        ],
        indices: [
          new TableIndex({ name: 'uq_api_tokens_hash', columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ name: 'idx_api_tokens_tenant', columnNames: ['tenant_id'] }),
        ],
        foreignKeys: [
          c.tenantFk(),
          new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
        ],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'email_settings',
        columns: [
          c.id(),
          c.tenantId(),
          c.boolean('use_docker_mail_server', true),
          c.string('inbound_email_domain', 253),
          c.string('inbound_email_address', 320),
          c.timestamp('docker_mail_configured_at', true),
          c.string('smtp_host', 253, { isNullable: true }),
          c.integer('smtp_port', { isNullable: true }),
          c.string('smtp_security', 10, { default: "'starttls'" }),
          c.string('smtp_username', 320, { isNullable: true }),
          c.text('smtp_password_encrypted', { isNullable: true }),
          c.string('from_address', 320, { isNullable: true }),
          c.string('from_name', 200, { isNullable: true }),
          c.boolean('auto_acknowledge', false),
          c.text('auto_acknowledge_template', { isNullable: true }),
          c.createdAt(),
          c.updatedAt(),
        ],
        indices: [
          new TableIndex({ name: 'uq_email_settings_tenant', columnNames: ['tenant_id'], isUnique: true }),
          new TableIndex({ name: 'uq_email_settings_inbound_address', columnNames: ['inbound_email_address'], isUnique: true }),
        ],
        foreignKeys: [c.tenantFk()],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'tickets',
        columns: [
          c.id(),
          c.tenantId(),
          c.integer('number'),
          c.string('subject', 500),
          c.string('status', 20, { default: "'open'" }),
          c.string('requester_email', 320, { isNullable: true }),
          c.string('requester_name', 200, { isNullable: true }),
          c.integer('message_count', { default: 0 }),
          c.boolean('has_unread', true),
          c.timestamp('last_activity_at'),
          c.createdAt(),
          c.updatedAt(),
        ],
        indices: [
          new TableIndex({ name: 'uq_tickets_tenant_number', columnNames: ['tenant_id', 'number'], isUnique: true }),
          new TableIndex({ name: 'idx_tickets_tenant_activity', columnNames: ['tenant_id', 'last_activity_at'] }),
          new TableIndex({ name: 'idx_tickets_tenant_status_activity', columnNames: ['tenant_id', 'status', 'last_activity_at'] }),
        ],
        foreignKeys: [c.tenantFk()],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'ticket_messages',
        columns: [
          c.id(),
          c.tenantId(),
          c.integer('ticket_id'),
          c.string('direction', 10),
          c.string('message_key', 64),
          c.string('message_id', 255, { isNullable: true }),
          c.string('in_reply_to', 255, { isNullable: true }),
          c.longText('references_json', { isNullable: true }),
          c.string('from_address', 320, { isNullable: true }),
          c.string('from_name', 200, { isNullable: true }),
          c.longText('to_json', { isNullable: true }),
          c.longText('cc_json', { isNullable: true }),
          c.string('subject', 500),
          c.longText('text_body', { isNullable: true }),
          c.longText('html_body', { isNullable: true }),
          c.longText('new_text', { isNullable: true }),
          c.boolean('is_auto_reply', false),
          c.boolean('is_bounce', false),
          c.string('raw_sha256', 64, { isNullable: true }),
          c.string('thread_topic', 500, { isNullable: true }),
          c.string('thread_index', 500, { isNullable: true }),
          c.timestamp('sent_at', true),
          c.integer('author_user_id', { isNullable: true }),
          c.string('delivery_status', 20, { isNullable: true }),
          c.text('delivery_detail', { isNullable: true }),
          c.createdAt(),
        ],
        indices: [
          new TableIndex({ name: 'uq_ticket_messages_tenant_key', columnNames: ['tenant_id', 'message_key'], isUnique: true }),
          new TableIndex({ name: 'idx_ticket_messages_tenant_message_id', columnNames: ['tenant_id', 'message_id'] }),
          new TableIndex({ name: 'idx_ticket_messages_ticket', columnNames: ['ticket_id', 'id'] }),
          new TableIndex({ name: 'idx_ticket_messages_tenant_from', columnNames: ['tenant_id', 'from_address'] }),
        ],
        foreignKeys: [
          c.tenantFk(),
          new TableForeignKey({ columnNames: ['ticket_id'], referencedTableName: 'tickets', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
        ],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'attachments',
        columns: [
          c.id(),
          c.tenantId(),
          c.integer('ticket_message_id'),
          c.string('filename', 255),
          c.string('content_type', 255),
          c.bigInteger('size'),
          c.string('sha256', 64),
          c.string('content_id', 255, { isNullable: true }),
          c.boolean('inline', false),
          c.createdAt(),
        ],
        indices: [new TableIndex({ name: 'idx_attachments_message', columnNames: ['ticket_message_id'] })],
        foreignKeys: [
          c.tenantFk(),
          new TableForeignKey({
            columnNames: ['ticket_message_id'],
            referencedTableName: 'ticket_messages',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'email_processing_logs',
        columns: [
          c.id(),
          c.integer('tenant_id', { isNullable: true }),
          c.string('source', 20),
          c.string('source_ref', 500, { isNullable: true }),
          c.string('outcome', 20),
          c.string('reason', 500, { isNullable: true }),
          c.text('error', { isNullable: true }),
          c.string('message_id', 255, { isNullable: true }),
          c.string('from_address', 320, { isNullable: true }),
          c.text('to_addresses', { isNullable: true }),
          c.string('subject', 500, { isNullable: true }),
          c.integer('ticket_id', { isNullable: true }),
          c.integer('ticket_message_id', { isNullable: true }),
          c.string('raw_sha256', 64, { isNullable: true }),
          c.bigInteger('size_bytes', { default: 0 }),
          c.integer('duration_ms', { default: 0 }),
          c.timestamp('resolved_at', true),
          c.createdAt(),
        ],
        indices: [
          new TableIndex({ name: 'idx_logs_tenant_created', columnNames: ['tenant_id', 'created_at'] }),
          new TableIndex({ name: 'idx_logs_tenant_outcome', columnNames: ['tenant_id', 'outcome', 'created_at'] }),
          new TableIndex({ name: 'idx_logs_raw', columnNames: ['raw_sha256'] }),
        ],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
          new TableForeignKey({ columnNames: ['ticket_id'], referencedTableName: 'tickets', referencedColumnNames: ['id'], onDelete: 'SET NULL' }),
        ],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'mailbox_checkpoints',
        columns: [
          c.id(),
          c.string('mailbox', 255),
          c.string('uid_validity', 20, { isNullable: true }),
          c.bigInteger('last_uid', { default: 0 }),
          c.string('lease_owner', 100, { isNullable: true }),
          c.timestamp('lease_expires_at', true),
          c.updatedAt(),
        ],
        indices: [new TableIndex({ name: 'uq_mailbox_checkpoints_mailbox', columnNames: ['mailbox'], isUnique: true })],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'tenant_usage',
        columns: [
          c.id(),
          c.tenantId(),
          c.string('day', 10),
          c.integer('messages_in', { default: 0 }),
          c.integer('messages_out', { default: 0 }),
          c.bigInteger('bytes_stored', { default: 0 }),
        ],
        indices: [new TableIndex({ name: 'uq_tenant_usage_tenant_day', columnNames: ['tenant_id', 'day'], isUnique: true })],
        foreignKeys: [c.tenantFk()],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'outbox',
        columns: [
          c.id(),
          c.tenantId(),
          c.integer('ticket_message_id', { isNullable: true }),
          c.string('kind', 20),
          c.string('recipient', 320),
          c.string('status', 20, { default: "'queued'" }),
          c.integer('attempts', { default: 0 }),
          c.timestamp('next_attempt_at'),
          c.string('locked_by', 100, { isNullable: true }),
          c.timestamp('locked_until', true),
          c.text('last_error', { isNullable: true }),
          c.text('smtp_response', { isNullable: true }),
          c.longText('payload_json', { isNullable: true }),
          c.createdAt(),
          c.updatedAt(),
        ],
        indices: [
          new TableIndex({ name: 'idx_outbox_due', columnNames: ['status', 'next_attempt_at'] }),
          new TableIndex({ name: 'idx_outbox_recipient', columnNames: ['tenant_id', 'kind', 'recipient', 'created_at'] }),
        ],
        foreignKeys: [
          c.tenantFk(),
          new TableForeignKey({
            columnNames: ['ticket_message_id'],
            referencedTableName: 'ticket_messages',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }

  public async down(qr: QueryRunner): Promise<void> {
    for (const table of [
      'outbox',
      'tenant_usage',
      'mailbox_checkpoints',
      'email_processing_logs',
      'attachments',
      'ticket_messages',
      'tickets',
      'email_settings',
      'api_tokens',
      'users',
      'tenant_domains',
      'tenants',
    ]) {
      await qr.dropTable(table, true);
    }
  }
}

type Extra = Partial<TableColumnOptions>;

/** Column shapes that render correctly on both engines. */
function columns(qr: QueryRunner) {
  const mysql = qr.connection.options.type === 'mysql' || qr.connection.options.type === 'mariadb';
  const now = mysql ? 'CURRENT_TIMESTAMP(3)' : "(strftime('%Y-%m-%d %H:%M:%f','now'))";
  const col = (o: TableColumnOptions): TableColumnOptions => o;
  return {
    id: () => col({ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' }),
    tenantId: () => col({ name: 'tenant_id', type: 'integer' }),
    tenantFk: () =>
      new TableForeignKey({ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
    string: (name: string, length: number, extra: Extra = {}) => col({ name, type: 'varchar', length: String(length), ...extra }),
    integer: (name: string, extra: Extra = {}) => col({ name, type: 'integer', ...extra }),
    bigInteger: (name: string, extra: Extra = {}) => col({ name, type: 'bigint', ...extra }),
    boolean: (name: string, value: boolean) => col({ name, type: 'boolean', default: value ? 1 : 0 }),
    text: (name: string, extra: Extra = {}) => col({ name, type: 'text', ...extra }),
    // MySQL TEXT stops at 64 KB: mail bodies and recipient lists need more.
    longText: (name: string, extra: Extra = {}) => col({ name, type: mysql ? 'longtext' : 'text', ...extra }),
    timestamp: (name: string, nullable = false) =>
      col({ name, type: 'datetime', precision: mysql ? 3 : undefined, isNullable: nullable }),
    createdAt: () => col({ name: 'created_at', type: 'datetime', precision: mysql ? 3 : undefined, default: now }),
    updatedAt: () => col({ name: 'updated_at', type: 'datetime', precision: mysql ? 3 : undefined, default: now }),
  };
}
