// Buckets of their own for tests, on the S3-compatible server (s3rver) that
// test/services/real-services.sh starts and whose S3_* variables its `env` exports.
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { serviceEnv } from './services';

export interface TestBucket {
  name: string;
  /** The variables that put an app's storage in this bucket. */
  env: Record<string, string>;
  client: S3Client;
  keys(prefix?: string): Promise<string[]>;
  drop(): Promise<void>;
}

export function s3Client(endpoint = serviceEnv('S3_ENDPOINT')): S3Client {
  return new S3Client({
    endpoint,
    region: serviceEnv('S3_REGION'),
    credentials: { accessKeyId: serviceEnv('S3_ACCESS_KEY_ID'), secretAccessKey: serviceEnv('S3_SECRET_ACCESS_KEY') },
    forcePathStyle: true,
  });
}

export function s3Env(bucket: string, endpoint = serviceEnv('S3_ENDPOINT')): Record<string, string> {
  return {
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT: endpoint,
    S3_BUCKET: bucket,
    S3_REGION: serviceEnv('S3_REGION'),
    S3_ACCESS_KEY_ID: serviceEnv('S3_ACCESS_KEY_ID'),
    S3_SECRET_ACCESS_KEY: serviceEnv('S3_SECRET_ACCESS_KEY'),
    S3_FORCE_PATH_STYLE: 'true',
  };
}

/** A new, empty bucket on the test server (or on `endpoint`); drop() empties and removes it. */
export async function freshBucket(endpoint = serviceEnv('S3_ENDPOINT')): Promise<TestBucket> {
  const name = `inbound-test-${randomBytes(6).toString('hex')}`;
  const client = s3Client(endpoint);
  await client.send(new CreateBucketCommand({ Bucket: name }));
  const keys = async (prefix = ''): Promise<string[]> => {
    const found: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: name, Prefix: prefix, ContinuationToken: token }));
      found.push(...(page.Contents ?? []).map((o) => o.Key as string));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found.sort();
  };
  return {
    name,
    env: s3Env(name, endpoint),
    client,
    keys,
    async drop() {
      for (const key of await keys().catch(() => [])) await client.send(new DeleteObjectCommand({ Bucket: name, Key: key }));
      await client.send(new DeleteBucketCommand({ Bucket: name })).catch(() => undefined);
      client.destroy();
    },
  };
}

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
  httpServer: { closeAllConnections(): void };
}
const S3rver: new (options: object) => S3rverInstance = require('s3rver');

export interface PrivateS3 {
  endpoint: string;
  bucket: TestBucket;
  /** Stops answering (connections refused) until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** An s3rver of one test's own, in this process, so that it can be stopped without disturbing other tests. */
export async function startPrivateS3(directory: string): Promise<PrivateS3> {
  const serve = async (port: number) => {
    const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true, vhostBuckets: false });
    return { server, port: (await server.run()).port };
  };
  let running: { server: S3rverInstance; port: number } | null = await serve(0);
  const port = running.port;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket: await freshBucket(endpoint),
    async stop() {
      if (!running) return;
      const closed = running.server.close();
      running.server.httpServer.closeAllConnections();
      await closed;
      running = null;
    },
    async start() {
      running ??= await serve(port);
    },
  };
}
