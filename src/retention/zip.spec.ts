import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipArchive } from './zip';

describe('zipArchive', () => {
  it('writes an archive that unzip lists and extracts byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zip-'));
    try {
      const entries = [
        { name: 'raw/1.eml', content: Buffer.from('Subject: hi\r\n\r\nbody\r\n') },
        { name: 'tickets.json', content: Buffer.from(JSON.stringify({ tickets: [{ id: 1, subject: 'Grüße' }] })) },
        { name: 'attachments/2-empty.txt', content: Buffer.alloc(0) },
      ];
      writeFileSync(join(dir, 'export.zip'), await zipArchive(entries));
      // Python's zipfile checks the CRCs and sizes as it extracts.
      execFileSync('python3', ['-m', 'zipfile', '-e', join(dir, 'export.zip'), join(dir, 'out')]);
      for (const entry of entries) expect(readFileSync(join(dir, 'out', entry.name))).toEqual(entry.content);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
