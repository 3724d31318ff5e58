import { dirname } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config/app-config';
import { ensurePrivateFile, ensurePrivateFolder, tightenIfPresent } from '../storage/private-files';
import { searchText } from './search-text';
import { CreateSchema1763700000000 } from '../../migrations/1763700000000-create-schema';
import { RawMessageLocations1763900000000 } from '../../migrations/1763900000000-raw-message-locations';
import { TenantBoundary1764600000000 } from '../../migrations/1764600000000-tenant-boundary';
import { DropUsersDisabledAt1764800000000 } from '../../migrations/1764800000000-drop-users-disabled-at';
import { TicketSearch1765000000000 } from '../../migrations/1765000000000-ticket-search';
import { RemoteImageSenders1765100000000 } from '../../migrations/1765100000000-remote-image-senders';
import { Events1765150000000 } from '../../migrations/1765150000000-events';
import { TicketsUnreadIndex1765150000001 } from '../../migrations/1765150000001-tickets-unread-index';
import { SenderAuthentication1765200000000 } from '../../migrations/1765200000000-sender-authentication';
import { TenantLimits1765300000000 } from '../../migrations/1765300000000-tenant-limits';
import { RetentionPolicies1765400000000 } from '../../migrations/1765400000000-retention-policies';
import { Accounts1765500000000 } from '../../migrations/1765500000000-accounts';
import { TwoFactor1765500000001 } from '../../migrations/1765500000001-two-factor';
import { AuditLog1765500000002 } from '../../migrations/1765500000002-audit-log';
import { SingleSignOn1765500000003 } from '../../migrations/1765500000003-single-sign-on';
import { TicketAssignment1765500000004 } from '../../migrations/1765500000004-ticket-assignment';
import { TicketNotes1765500000005 } from '../../migrations/1765500000005-ticket-notes';
import { ReplyDrafts1765500000006 } from '../../migrations/1765500000006-reply-drafts';
import { CannedReplies1765500000007 } from '../../migrations/1765500000007-canned-replies';
import { TicketPresence1765500000008 } from '../../migrations/1765500000008-ticket-presence';
import { TenantMailboxes1765600000000 } from '../../migrations/1765600000000-tenant-mailboxes';
import { MailboxOAuth1765700000000 } from '../../migrations/1765700000000-mailbox-oauth';
import { LimitNotices1765700000001 } from '../../migrations/1765700000001-limit-notices';
import { SharedCounters1765700000002 } from '../../migrations/1765700000002-shared-counters';

/** In order; TypeORM runs the ones a database has not seen yet. */
export const MIGRATIONS = [
  CreateSchema1763700000000,
  RawMessageLocations1763900000000,
  TenantBoundary1764600000000,
  DropUsersDisabledAt1764800000000,
  TicketSearch1765000000000,
  RemoteImageSenders1765100000000,
  Events1765150000000,
  TicketsUnreadIndex1765150000001,
  SenderAuthentication1765200000000,
  TenantLimits1765300000000,
  RetentionPolicies1765400000000,
  Accounts1765500000000,
  TwoFactor1765500000001,
  AuditLog1765500000002,
  SingleSignOn1765500000003,
  TicketAssignment1765500000004,
  TicketNotes1765500000005,
  ReplyDrafts1765500000006,
  CannedReplies1765500000007,
  TicketPresence1765500000008,
  TenantMailboxes1765600000000,
  MailboxOAuth1765700000000,
  LimitNotices1765700000001,
  SharedCounters1765700000002,
];

export function dataSourceOptions(db: DatabaseConfig): DataSourceOptions {
  const common = {
    // Each feature module registers its own entities (TypeOrmModule.forFeature, autoLoadEntities).
    entities: [],
    migrations: MIGRATIONS,
    // Run by runMigrationsExclusively at start, under a lock on MySQL.
    migrationsRun: false,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    // Failed queries surface as exceptions; logging them too would repeat expected unique-key races.
    logging: ['migration' as const],
  };
  if (db.type === 'mysql') {
    return {
      ...common,
      type: 'mysql',
      host: db.host,
      port: db.port,
      username: db.username,
      password: db.password,
      database: db.database,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: false,
      connectTimeout: 10_000,
      extra: { connectionLimit: 10, enableKeepAlive: true },
    };
  }
  // SQLite creates its -wal and -shm files with the database file's mode: a private database
  // file (0600) makes them private too.
  ensurePrivateFolder(dirname(db.sqlitePath));
  ensurePrivateFile(db.sqlitePath);
  for (const companion of ['-wal', '-shm']) tightenIfPresent(db.sqlitePath + companion);
  return {
    ...common,
    type: 'better-sqlite3',
    database: db.sqlitePath,
    // WAL lets readers go on while the ingest pipeline writes; busy_timeout queues writers instead of failing them.
    // synchronous FULL syncs the WAL at every commit: a webhook's sender deletes its copy once we
    // acknowledge the commit, so the commit must outlive a power cut (NORMAL only outlives a crash).
    // The group commit makes that one sync per batch of messages.
    prepareDatabase: (conn: { pragma(sql: string): unknown; function(name: string, options: { deterministic: boolean }, fn: (text: unknown) => string): unknown }) => {
      conn.pragma('journal_mode = WAL');
      conn.pragma('synchronous = FULL');
      conn.pragma('busy_timeout = 10000');
      conn.pragma('foreign_keys = ON');
      // The search index's triggers call it (migrations/1765000000000-ticket-search.ts).
      conn.function('search_text', { deterministic: true }, (text) => searchText(text === null || text === undefined ? null : String(text)));
    },
  };
}
