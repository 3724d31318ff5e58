import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from './app-config';

describe('AppConfig generated secrets', () => {
  let dataDir: string;

  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'config-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('says which secrets were created in this start, so that the admin token is printed only then', () => {
    const first = AppConfig.fromEnvironment({ DATA_DIR: dataDir, APP_KEY: 'k'.repeat(32) });
    expect(first.generatedSecrets).toEqual(['ADMIN_API_TOKEN', 'DOCKER_MAIL_WEBHOOK_SECRET']);
    expect(first.createdSecrets).toEqual(['ADMIN_API_TOKEN', 'DOCKER_MAIL_WEBHOOK_SECRET']);

    const second = AppConfig.fromEnvironment({ DATA_DIR: dataDir });
    expect(second.adminApiToken).toBe(first.adminApiToken);
    expect(second.generatedSecrets).toEqual(['ADMIN_API_TOKEN', 'APP_KEY', 'DOCKER_MAIL_WEBHOOK_SECRET']);
    expect(second.createdSecrets).toEqual(['APP_KEY']);

    expect(AppConfig.fromEnvironment({ DATA_DIR: dataDir }).createdSecrets).toEqual([]);
    const file = join(dataDir, 'secrets.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).ADMIN_API_TOKEN).toBe(first.adminApiToken);
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
  });
});
