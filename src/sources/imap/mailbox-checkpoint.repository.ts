import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource } from 'typeorm';
import { databaseNowPlus } from '../../database/database-clock';
import { ImapConfig } from '../../config/app-config';
import { isUniqueViolation } from '../../database/database-errors';
import { MailboxCheckpoint } from './mailbox-checkpoint.entity';
import { StoredProgress } from './uid-validity';

/**
 * The row that names a mailbox. Host and port are left out on purpose: instances that reach
 * the same Mailu by different names (a service name, an IP) must still share one lease.
 */
export function mailboxCheckpointKey(config: Pick<ImapConfig, 'username' | 'mailbox'>): string {
  return `imap:${config.username.toLowerCase()}/${config.mailbox}`.slice(0, 255);
}

/**
 * Progress and reader lease of IMAP mailboxes, shared by every instance through the database.
 * Lease times come from the database clock, so instances with skewed clocks still agree.
 */
@Injectable()
export class MailboxCheckpointRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async ensureRow(mailbox: string): Promise<void> {
    const rows = this.dataSource.getRepository(MailboxCheckpoint);
    if (await rows.existsBy({ mailbox })) return;
    try {
      await rows.insert({ mailbox, uidValidity: null, lastUid: 0, leaseOwner: null, leaseExpiresAt: null });
    } catch (error) {
      // Another instance inserted it at the same moment.
      if (!isUniqueViolation(error)) throw error;
    }
  }

  async progress(mailbox: string): Promise<StoredProgress | null> {
    const row = await this.dataSource.getRepository(MailboxCheckpoint).findOneBy({ mailbox });
    return row ? { uidValidity: row.uidValidity, lastUid: row.lastUid } : null;
  }

  /**
   * Takes or renews the lease in one conditional UPDATE: it matches only while the lease is
   * free, ours, or expired, so of two instances racing for it exactly one changes the row.
   */
  async takeLease(mailbox: string, owner: string, seconds: number): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(MailboxCheckpoint)
      .set({ leaseOwner: owner, leaseExpiresAt: () => databaseNowPlus(this.dataSource, seconds) })
      .where('mailbox = :mailbox', { mailbox })
      .andWhere(
        new Brackets((free) =>
          free
            .where('lease_owner IS NULL')
            .orWhere('lease_owner = :owner', { owner })
            .orWhere(`lease_expires_at < ${databaseNowPlus(this.dataSource, 0)}`),
        ),
      )
      .execute();
    return result.affected === 1;
  }

  async releaseLease(mailbox: string, owner: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(MailboxCheckpoint)
      .set({ leaseOwner: null, leaseExpiresAt: null })
      .where('mailbox = :mailbox AND lease_owner = :owner', { mailbox, owner })
      .execute();
  }

  /** Records committed progress; false when another instance holds the lease now (stop reading). */
  async saveProgress(mailbox: string, owner: string, progress: { uidValidity: string; lastUid: number }): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(MailboxCheckpoint)
      .set({ uidValidity: progress.uidValidity, lastUid: progress.lastUid })
      .where('mailbox = :mailbox AND lease_owner = :owner', { mailbox, owner })
      .execute();
    return result.affected === 1;
  }

  /** Drops a mailbox's progress and lease (the mailbox was removed); a reader still on it stops at its next save or renewal. */
  async forget(mailbox: string): Promise<void> {
    await this.dataSource.getRepository(MailboxCheckpoint).delete({ mailbox });
  }

  /** How many rows whose key starts with `prefix` are leased now: the live instances, from their heartbeat rows. */
  async liveLeases(prefix: string): Promise<number> {
    const row = await this.dataSource
      .createQueryBuilder()
      .select('COUNT(*)', 'n')
      .from(MailboxCheckpoint, 'c')
      .where('c.mailbox LIKE :prefix', { prefix: `${prefix}%` })
      .andWhere('c.lease_owner IS NOT NULL')
      .andWhere(`c.lease_expires_at >= ${databaseNowPlus(this.dataSource, 0)}`)
      .getRawOne<{ n: string | number }>();
    return Number(row?.n ?? 0);
  }
}
