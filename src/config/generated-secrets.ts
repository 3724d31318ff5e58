import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A zero-set-up start (embedded SQLite, no .env) still needs secrets. They are made once and
 * kept in DATA_DIR/secrets.json, like a framework's generated application key.
 */
export function generatedSecret(dataDir: string, name: string): { value: string; isNew: boolean } {
  const file = join(dataDir, 'secrets.json');
  const stored: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  if (stored[name]) return { value: stored[name], isNew: false };
  stored[name] = randomBytes(32).toString('base64url');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
  return { value: stored[name], isNew: true };
}
