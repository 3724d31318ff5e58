export type StorageDriver = 'local' | 's3';

/** Where raw messages and attachments are kept: DATA_DIR, or an S3-compatible bucket. */
export type StorageConfig =
  | { readonly driver: 'local' }
  | {
      readonly driver: 's3';
      /** Null: AWS itself, found from the region. */
      readonly endpoint: string | null;
      readonly bucket: string;
      readonly region: string;
      /** Null: the SDK's default chain (AWS_* variables, an instance or task role). */
      readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | null;
      /** Path-style URLs (endpoint/bucket/key), as MinIO and most S3-compatible servers want. */
      readonly forcePathStyle: boolean;
    };

interface StorageVariables {
  STORAGE_DRIVER?: StorageDriver;
  S3_ENDPOINT?: string;
  S3_BUCKET?: string;
  S3_REGION?: string;
  S3_ACCESS_KEY_ID?: string;
  S3_SECRET_ACCESS_KEY?: string;
  S3_FORCE_PATH_STYLE?: boolean;
}

/** The S3 variables are read only with STORAGE_DRIVER=s3: a half-filled .env does not stop a local start. */
export function storageProblems(vars: StorageVariables): string[] {
  if (vars.STORAGE_DRIVER !== 's3') return [];
  const problems: string[] = [];
  if (!vars.S3_BUCKET) problems.push('S3_BUCKET is required when STORAGE_DRIVER=s3');
  if (Boolean(vars.S3_ACCESS_KEY_ID) !== Boolean(vars.S3_SECRET_ACCESS_KEY)) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both, or neither for the default credentials');
  }
  return problems;
}

export function storageConfig(vars: StorageVariables): StorageConfig {
  if (vars.STORAGE_DRIVER !== 's3') return { driver: 'local' };
  return {
    driver: 's3',
    endpoint: vars.S3_ENDPOINT?.replace(/\/$/, '') ?? null,
    bucket: vars.S3_BUCKET as string,
    region: vars.S3_REGION ?? 'us-east-1',
    credentials: vars.S3_ACCESS_KEY_ID ? { accessKeyId: vars.S3_ACCESS_KEY_ID, secretAccessKey: vars.S3_SECRET_ACCESS_KEY as string } : null,
    // A custom endpoint is MinIO or the like, which want path-style unless told otherwise.
    forcePathStyle: vars.S3_FORCE_PATH_STYLE ?? vars.S3_ENDPOINT !== undefined,
  };
}
