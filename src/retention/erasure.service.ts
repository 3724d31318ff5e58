import { Injectable, Logger } from '@nestjs/common';
import { TenantId } from '../common/tenant-id';
import { AppConfig } from '../config/app-config';
import { AttachmentStore, BlobInventory, RawMessageStore, StoredBlob, StoredRaw } from '../storage/blob-stores';
import { settledBefore } from './blob-sweeper';
import { BlobReferencesRepository } from './blob-references.repository';
import { CustomerData, ErasureRepository } from './erasure.repository';
import { zipArchive, ZipEntry } from './zip';

export interface ErasureReport {
  email: string;
  tickets: number;
  messages: number;
  attachments: number;
  processing_logs: number;
  /** Raw messages and attachment files destroyed; those another row still uses are kept. */
  blobs_erased: number;
  /** Written within RETENTION_SWEEP_GRACE_MINUTES: removed by the next sweep after it. */
  blobs_left_for_sweep: number;
}

const safeName = (name: string) => name.replace(/[^\w.-]+/g, '_').slice(0, 100) || 'file';

/** A customer's right to a copy and to erasure (GDPR art. 15, 17), within one tenant. */
@Injectable()
export class ErasureService {
  private readonly logger = new Logger(ErasureService.name);

  constructor(
    private readonly rows: ErasureRepository,
    private readonly references: BlobReferencesRepository,
    private readonly rawStore: RawMessageStore,
    private readonly attachmentStore: AttachmentStore,
    private readonly inventory: BlobInventory,
    private readonly config: AppConfig,
  ) {}

  /** A zip of what erase() would remove: the raw messages as .eml, attachments, and the rows as JSON. */
  async export(tenantId: TenantId, email: string): Promise<Buffer> {
    const data = await this.rows.customerData(tenantId, email);
    const entries: ZipEntry[] = [];
    for (const stored of rawOf(data)) {
      const raw = await this.rawStore.get(stored);
      if (raw) entries.push({ name: `messages/${stored.sha256}.eml`, content: raw });
    }
    for (const a of data.attachments) {
      entries.push({ name: `attachments/${a.id}-${safeName(a.filename)}`, content: await this.attachmentStore.get(a.sha256) });
    }
    const json = { email, exported_at: new Date().toISOString(), tickets: data.tickets, messages: data.messages, attachments: data.attachments, processing_logs: data.logs };
    entries.push({ name: 'data.json', content: Buffer.from(JSON.stringify(json, null, 2)) });
    return zipArchive(entries);
  }

  /**
   * Deletes the rows, then destroys each raw message and attachment no other row uses (another
   * tenant may have received the same message, another customer the same file). A blob stored
   * by content that was written within the sweep's grace is left to the sweep: a message in
   * flight may have just stored the same bytes (a common logo) and not yet committed its row.
   */
  async erase(tenantId: TenantId, email: string): Promise<ErasureReport> {
    const cutoff = settledBefore(new Date(), this.config.retention.sweepGraceMs);
    const data = await this.rows.customerData(tenantId, email);
    await this.rows.delete(tenantId, email, data);
    const counts = { erased: 0, left: 0 };
    const removeSettled = async (kind: StoredBlob['kind'], sha256: string) => {
      const blob = await this.inventory.find(kind, sha256);
      if (!blob) return;
      if (blob.modifiedAt.getTime() >= cutoff) return void counts.left++;
      await this.inventory.remove(blob);
      counts.erased++;
    };
    for (const stored of rawOf(data)) {
      if (await this.references.rawInUse(stored)) continue;
      if (stored.location !== null) {
        await this.rawStore.erasePlace(stored);
        counts.erased++;
      }
      await removeSettled('raw', stored.sha256);
    }
    for (const sha256 of new Set(data.attachments.map((a) => a.sha256))) {
      if (!(await this.references.attachmentInUse(sha256))) await removeSettled('attachments', sha256);
    }
    const report = {
      email,
      tickets: data.tickets.length,
      messages: data.messages.length,
      attachments: data.attachments.length,
      processing_logs: data.logs.length,
      blobs_erased: counts.erased,
      blobs_left_for_sweep: counts.left,
    };
    this.logger.log(`erasure for tenant ${tenantId}: ${JSON.stringify({ ...report, email: undefined })}`);
    return report;
  }
}

/** Each raw message once: by its place in a segment file where a log row says, else by content. */
function rawOf(data: CustomerData): StoredRaw[] {
  const found = new Map<string, StoredRaw>();
  for (const log of data.logs) {
    if (log.raw_sha256) found.set(`${log.raw_sha256}|${log.raw_location ?? ''}`, { sha256: String(log.raw_sha256), location: (log.raw_location as string | null) ?? null });
  }
  const known = new Set([...found.values()].map((s) => s.sha256));
  for (const message of data.messages) {
    if (message.raw_sha256 && !known.has(String(message.raw_sha256))) found.set(String(message.raw_sha256), { sha256: String(message.raw_sha256), location: null });
  }
  return [...found.values()];
}
