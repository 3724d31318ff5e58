import { bodyMacMatches, checkSignatureHeaders, signWebhookBody, startBodyMac, verifyWebhookSignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'webhook-secret-0123456789';
  const body = Buffer.from('From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n');
  const now = 1_800_000_000;
  const good = { secret, timestamp: String(now), signature: signWebhookBody(secret, now, body), body, nowSeconds: now };

  it('accepts a correct signature within the window', () => {
    expect(verifyWebhookSignature(good)).toEqual({ ok: true });
    expect(verifyWebhookSignature({ ...good, nowSeconds: now + 300 })).toEqual({ ok: true });
  });

  it.each([
    ['missing timestamp', { timestamp: undefined }],
    ['non-numeric timestamp', { timestamp: 'yesterday' }],
    ['stale timestamp', { nowSeconds: now + 301 }],
    ['future timestamp', { nowSeconds: now - 301 }],
    ['missing signature', { signature: undefined }],
    ['wrong scheme', { signature: good.signature.replace('sha256=', 'sha1=') }],
    ['other secret', { signature: signWebhookBody('another-secret-123456', now, body) }],
    ['other body', { body: Buffer.from('tampered') }],
    ['signature for another timestamp', { signature: signWebhookBody(secret, now - 1, body) }],
  ])('refuses %s', (_, change) => {
    const result = verifyWebhookSignature({ ...good, ...change });
    expect(result.ok).toBe(false);
  });

  it('accepts upper-case hex', () => {
    expect(verifyWebhookSignature({ ...good, signature: 'sha256=' + good.signature.slice(7).toUpperCase() })).toEqual({ ok: true });
  });

  it('judges the headers alone, before any of the body is read', () => {
    expect(checkSignatureHeaders(good)).toMatchObject({ ok: true, timestamp: String(now) });
    expect(checkSignatureHeaders({ ...good, nowSeconds: now + 301 })).toMatchObject({ ok: false, reason: expect.stringMatching(/300 s/) });
    expect(checkSignatureHeaders({ ...good, signature: 'sha256=xyz' })).toMatchObject({ ok: false });
  });

  it('gives the same verdict for a body hashed chunk by chunk as it arrives', () => {
    const headers = checkSignatureHeaders(good);
    if (!headers.ok) throw new Error(headers.reason);
    const chunked = startBodyMac(secret, headers.timestamp);
    for (let i = 0; i < body.length; i += 7) chunked.update(body.subarray(i, i + 7));
    expect(bodyMacMatches(chunked, headers.signature)).toEqual({ ok: true });
    const tampered = startBodyMac(secret, headers.timestamp).update(body.subarray(1));
    expect(bodyMacMatches(tampered, headers.signature)).toMatchObject({ ok: false });
  });
});
