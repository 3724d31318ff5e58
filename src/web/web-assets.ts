import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

export interface WebAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The UI files, read once at boot. Only these names are ever served, so a request path can
 * never reach another file. The folder sits next to this module both in src/ (ts-jest) and in
 * dist/ (the build copies it).
 */
export function loadWebAssets(folder = join(__dirname, 'public')): Map<string, WebAsset> {
  const assets = new Map<string, WebAsset>();
  for (const name of readdirSync(folder)) {
    const contentType = CONTENT_TYPES[extname(name)];
    const path = join(folder, name);
    if (!contentType || !statSync(path).isFile()) continue;
    assets.set(name, { body: readFileSync(path), contentType });
  }
  if (!assets.has('index.html')) throw new Error(`The web UI is missing: no index.html in ${folder}`);
  return assets;
}

/**
 * preact + htm in one ES module, read from the installed `htm` package at boot (never copied into
 * src/), so `npm ci` alone decides its version. htm's exports map names no file for browsers that
 * Node can resolve, so the path is taken from its `preact` entry's folder.
 */
export function loadVendorModule(): WebAsset {
  const path = join(dirname(require.resolve('htm/preact')), 'standalone.module.js');
  return { body: readFileSync(path), contentType: CONTENT_TYPES['.js'] };
}

/**
 * The UI's own code is all in files: no inline script or style. E-mail HTML is shown in a
 * sandboxed frame loaded from our own /api/mail-frames/ (a page with its own, narrower policy:
 * a srcdoc frame would inherit this one, which blocks the mail's inline styles); blob: frames
 * show PDF attachments the page fetched itself.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self' blob:",
  "child-src 'self' blob:",
  "worker-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const UI_SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'Cache-Control': 'no-cache',
};
