import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY, loadVendorModule, loadWebAssets } from './web-assets';

const PUBLIC = join(__dirname, 'public');
const scripts = readdirSync(PUBLIC).filter((name) => name.endsWith('.js'));

describe('web assets', () => {
  it('serves the UI files with their types and nothing else', () => {
    const folder = mkdtempSync(join(tmpdir(), 'web-assets-'));
    try {
      writeFileSync(join(folder, 'index.html'), '<!doctype html>');
      writeFileSync(join(folder, 'app.js'), '');
      writeFileSync(join(folder, 'notes.txt'), 'not served');
      writeFileSync(join(folder, '.env'), 'SECRET=1');
      const assets = loadWebAssets(folder);
      expect([...assets.keys()].sort()).toEqual(['app.js', 'index.html']);
      expect(assets.get('app.js')!.contentType).toBe('text/javascript; charset=utf-8');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses to start without index.html', () => {
    const folder = mkdtempSync(join(tmpdir(), 'web-assets-'));
    try {
      expect(() => loadWebAssets(folder)).toThrow(/no index.html/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('has a policy without inline or eval escapes', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|\*|https?:/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });

  // The UI puts API data on the page as text only; these are the ways markup would get in.
  it.each(scripts)('%s builds the DOM without HTML strings, eval or inline styles', (name) => {
    const source = readFileSync(join(PUBLIC, name), 'utf8');
    expect(source).not.toMatch(/\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(|setAttribute\(\s*['"]style['"]/);
  });

  it('serves preact + htm from node_modules as one ES module', () => {
    const vendor = loadVendorModule();
    expect(vendor.contentType).toBe('text/javascript; charset=utf-8');
    expect(vendor.body.toString('utf8')).toMatch(/export\s*\{[^}]*\bas html\b[^}]*\bas render\b/);
  });

  it.each(scripts)('%s imports only UI files and the vendored preact + htm, and never sets raw HTML', (name) => {
    const source = readFileSync(join(PUBLIC, name), 'utf8');
    const imports = [...source.matchAll(/^import [^;]+ from '([^']+)';$/gm)].map((m) => m[1]);
    for (const path of imports) expect(path === './vendor/htm-preact.js' || scripts.includes(path.replace(/^\.\//, ''))).toBe(true);
    expect(source).not.toMatch(/dangerouslySetInnerHTML/);
  });

  it('index.html has no inline script, style or event handler', () => {
    const html = readFileSync(join(PUBLIC, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });
});
