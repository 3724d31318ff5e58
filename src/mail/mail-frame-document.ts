import { createHash } from 'node:crypto';

/**
 * The policy of the formatted e-mail's own page, served to a sandboxed frame. It is its own (a
 * frame loaded from a URL does not inherit the UI's policy, as a srcdoc frame would): the
 * sanitised inline `style` attributes apply, the one base style sheet by its hash, and nothing
 * else loads but the images the service put in (data: URLs of the message's inline parts) and,
 * when the reader asked for them, remote https: images. `sandbox` repeats the frame's
 * attribute, so the page is sandboxed even when opened on its own: no script, an opaque
 * origin; a link may open a new tab, which escapes the sandbox.
 */
export function mailFrameContentSecurityPolicy(options: { remoteImages: boolean; baseCss: string }): string {
  const cssHash = createHash('sha256').update(options.baseCss).digest('base64');
  return [
    "default-src 'none'",
    `img-src data:${options.remoteImages ? ' https:' : ''}`,
    `style-src-elem 'sha256-${cssHash}'`,
    "style-src-attr 'unsafe-inline'",
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
    'sandbox allow-popups allow-popups-to-escape-sandbox',
  ].join('; ');
}

/** The frame's base look; a mail's own inline styles override it. */
export const MAIL_FRAME_CSS = [
  'html{color-scheme:light}',
  'body{margin:12px;color:#1b1f24;background:#fff;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans",sans-serif;overflow-wrap:anywhere}',
  'img{max-width:100%;height:auto}',
  'img[data-blocked-src]{display:inline-block;min-width:24px;min-height:16px;outline:1px dashed #b8c0cc;color:#5b6472}',
  'table{max-width:100%}',
  'pre{white-space:pre-wrap}',
  'blockquote{margin:8px 0;padding-left:12px;border-left:3px solid #dde1e7;color:#5b6472}',
  'a{color:#2459c8}',
].join('\n');

/** The page around the displayable HTML; `baseCss` must be the one the policy names. */
export function mailFrameDocument(bodyHtml: string, baseCss: string): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">' +
    `<style>${baseCss}</style></head><body>${bodyHtml}</body></html>`
  );
}
