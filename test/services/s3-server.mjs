// The S3-compatible server of the tests (s3rver, path-style, signatures checked), on loopback.
//
//   node test/services/s3-server.mjs DIRECTORY PORT BUCKET
//
// Objects live as files under DIRECTORY; BUCKET is created at start. Access key and secret
// are s3rver's fixed pair, S3RVER / S3RVER. Stops on SIGTERM or SIGINT.
import S3rver from 's3rver';

const [directory, port, bucket] = process.argv.slice(2);
if (!directory || !/^\d+$/.test(port ?? '') || !bucket) {
  console.error('usage: node s3-server.mjs DIRECTORY PORT BUCKET');
  process.exit(2);
}

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  // Path-style only, as MinIO is addressed: a bucket never appears in the host name.
  vhostBuckets: false,
  configureBuckets: [{ name: bucket }],
});

server.run().then(
  ({ address, port: bound }) => console.log(`s3rver listening on ${address}:${bound}, bucket ${bucket}, data ${directory}`),
  (error) => {
    console.error(`s3rver failed to start: ${error.message}`);
    process.exit(1);
  },
);

const stop = () => server.close().then(() => process.exit(0), () => process.exit(1));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
