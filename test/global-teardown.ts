// Jest globalTeardown (e2e project): stop only what global-setup itself started,
// and only in CI. Locally the services stay up, so the next run finds them
// (`up` on running services takes ~0.07 s); stop them with
// `bash test/services/real-services.sh down`.
import { execFileSync } from 'node:child_process';
import { REAL_SERVICES, STARTED_FLAG } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const started = process.env[STARTED_FLAG]?.split(' ').filter(Boolean) ?? [];
  const ci = process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
  if (!ci || started.length === 0) return;
  const args = started.length === 5 ? ['down'] : ['stop', ...started];
  execFileSync('bash', [REAL_SERVICES, ...args], { stdio: 'inherit' });
  delete process.env[STARTED_FLAG];
}
