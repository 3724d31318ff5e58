import { AppConfig } from './app-config';

const base = { DATA_DIR: '/tmp/inbound-config-spec', ADMIN_API_TOKEN: 'a'.repeat(32), APP_KEY: 'k'.repeat(32), DOCKER_MAIL_WEBHOOK_SECRET: 's'.repeat(16) };

describe('storage configuration', () => {
  it('is local disk by default, whatever S3 variables are half set', () => {
    expect(AppConfig.fromEnvironment({ ...base, S3_SECRET_ACCESS_KEY: 'x' }).storage).toEqual({ driver: 'local' });
  });

  it('reads the bucket, path-style by default with an endpoint', () => {
    const config = AppConfig.fromEnvironment({
      ...base,
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: 'http://minio:9000/',
      S3_BUCKET: 'inbound',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
    });
    expect(config.storage).toEqual({
      driver: 's3',
      endpoint: 'http://minio:9000',
      bucket: 'inbound',
      region: 'us-east-1',
      credentials: { accessKeyId: 'key', secretAccessKey: 'secret' },
      forcePathStyle: true,
    });
  });

  it('leaves AWS itself to virtual-host addressing and the default credential chain', () => {
    const config = AppConfig.fromEnvironment({ ...base, STORAGE_DRIVER: 's3', S3_BUCKET: 'inbound-mail', S3_REGION: 'eu-central-1' });
    expect(config.storage).toMatchObject({ endpoint: null, region: 'eu-central-1', credentials: null, forcePathStyle: false });
  });

  it.each([
    [{ STORAGE_DRIVER: 's3' }, /S3_BUCKET is required/],
    [{ STORAGE_DRIVER: 's3', S3_BUCKET: 'b1x', S3_ACCESS_KEY_ID: 'only-the-key' }, /go together/],
    [{ STORAGE_DRIVER: 'nfs' }, /STORAGE_DRIVER/],
    [{ STORAGE_DRIVER: 's3', S3_BUCKET: 'Not_A_Bucket' }, /S3_BUCKET must be a bucket name/],
    [{ STORAGE_DRIVER: 's3', S3_BUCKET: 'b1x', S3_ENDPOINT: 'minio:9000' }, /S3_ENDPOINT must be an http\(s\) URL/],
    [{ RETENTION_SWEEP_GRACE_MINUTES: '-1' }, /RETENTION_SWEEP_GRACE_MINUTES/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => AppConfig.fromEnvironment({ ...base, ...env })).toThrow(message);
  });
});
