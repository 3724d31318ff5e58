import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { OnApplicationShutdown } from '@nestjs/common';
import { StorageConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';

export type S3Settings = Extract<StorageConfig, { driver: 's3' }>;

/**
 * One S3-compatible bucket (AWS S3, MinIO, Ceph...) through the AWS SDK. A put resolves once
 * the server has answered 200, which S3 gives only after the object is durably stored: the same
 * promise a synced file gives, so the pipeline may commit the rows that point to it next.
 * Every failure of the server or of the way to it (refused, timed out, 5xx, access denied, no
 * such bucket) is DomainError 'unavailable', as a full disk is: the sender keeps the message.
 */
export class S3Bucket implements OnApplicationShutdown {
  private readonly client: S3Client;
  readonly name: string;

  constructor(settings: S3Settings) {
    this.name = settings.bucket;
    this.client = new S3Client({
      endpoint: settings.endpoint ?? undefined,
      region: settings.region,
      credentials: settings.credentials ?? undefined,
      forcePathStyle: settings.forcePathStyle,
      // Retries are the SDK's (with backoff); a hung server must not hold a webhook for minutes.
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
      // Checksums only where the API requires them: several S3-compatible servers reject the
      // trailing checksums newer SDKs add by default. Content-MD5 below protects the bytes.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Buffer): Promise<void> {
    const md5 = createHash('md5').update(body).digest('base64');
    await this.send('write', () => this.client.send(new PutObjectCommand({ Bucket: this.name, Key: key, Body: body, ContentMD5: md5 })));
  }

  /** The object's bytes, or null when there is no such object. */
  async get(key: string): Promise<Buffer | null> {
    return this.send('read', async () => {
      try {
        const answer = await this.client.send(new GetObjectCommand({ Bucket: this.name, Key: key }));
        return Buffer.from(await answer.Body!.transformToByteArray());
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    });
  }

  async exists(key: string): Promise<boolean> {
    return (await this.lastModified(key)) !== null;
  }

  /** When the object was last written, or null when there is no such object. */
  async lastModified(key: string): Promise<Date | null> {
    return this.send('read', async () => {
      try {
        return (await this.client.send(new HeadObjectCommand({ Bucket: this.name, Key: key }))).LastModified ?? new Date();
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    });
  }

  async delete(key: string): Promise<void> {
    await this.send('delete', () => this.client.send(new DeleteObjectCommand({ Bucket: this.name, Key: key })));
  }

  /** Every key under `prefix`, page by page. */
  async *keys(prefix: string): AsyncGenerator<string> {
    for await (const object of this.objects(prefix)) yield object.key;
  }

  /** Every object under `prefix` with the time it was last written, page by page. */
  async *objects(prefix: string): AsyncGenerator<{ key: string; lastModified: Date }> {
    let token: string | undefined;
    do {
      const page = await this.send('list', () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.name, Prefix: prefix, ContinuationToken: token })),
      );
      for (const object of page.Contents ?? []) if (object.Key) yield { key: object.Key, lastModified: object.LastModified ?? new Date() };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  onApplicationShutdown(): void {
    this.client.destroy();
  }

  private async send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw asObjectStorageUnavailable(error, operation, this.name);
    }
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as S3ServiceException;
  if (e?.name === 'NoSuchBucket') return false;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** What went wrong, in the words the operator searches for: ECONNREFUSED, NoSuchBucket, AccessDenied, 503. */
function asObjectStorageUnavailable(error: unknown, operation: string, bucket: string): DomainError {
  if (error instanceof DomainError) return error;
  const e = error as Partial<S3ServiceException> & { code?: string };
  // After its retries the SDK wraps a network error in a plain Error that keeps only the message.
  const networkCode = /\b(E[A-Z]{3,}|TimeoutError)\b/.exec(e?.message ?? '')?.[1];
  const code =
    e?.code ?? (e?.name && e.name !== 'Error' ? e.name : undefined) ?? networkCode ?? (e?.$metadata?.httpStatusCode ? `HTTP ${e.$metadata.httpStatusCode}` : 'error');
  return new DomainError(
    'unavailable',
    `Object storage is unavailable (${code} on ${operation} in bucket ${bucket})${operation === 'write' ? '; the message was not accepted' : ''}, retry later`,
    { storage_error: code },
  );
}
