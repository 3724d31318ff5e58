// Jest globalSetup (e2e project): make sure the real test services run.
// Under `npm test` (test/run-tests.sh) they are already up and TEST_RS_DIR is in
// the environment: nothing to do. A plain `npx jest` starts them here (RS_DIR,
// default /tmp/inbound-services) and copies `real-services.sh env` into
// process.env, which the test workers inherit.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const REAL_SERVICES = join(__dirname, 'services', 'real-services.sh');
/** Set by global-setup when it started services itself (read by global-teardown). */
export const STARTED_FLAG = 'INBOUND_RS_STARTED_BY_JEST';

function isUp(service: string): boolean {
  try {
    execFileSync('bash', [REAL_SERVICES, 'status', service], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_RS_DIR) return;
  // Daemons must never inherit a pipe of ours (execFileSync would wait for EOF):
  // the script's own output goes straight to the terminal, the daemons' to files.
  execFileSync('bash', [REAL_SERVICES, 'install'], { stdio: 'inherit' });
  const started = ['mariadb', 'dovecot', 'postfix', 'mailu', 's3'].filter((s) => !isUp(s));
  execFileSync('bash', [REAL_SERVICES, 'up'], { stdio: 'inherit' });
  const env = execFileSync('bash', [REAL_SERVICES, 'env'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  for (const [, key, value] of env.matchAll(/(\w+)=(\S+)/g)) process.env[key] = value;
  if (started.length) process.env[STARTED_FLAG] = started.join(' ');
}
