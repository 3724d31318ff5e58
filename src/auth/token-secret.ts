import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'inb_';

export function generateApiToken(): { token: string; hash: string; displayPrefix: string } {
  const token = PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashApiToken(token), displayPrefix: token.slice(0, 12) };
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function constantTimeEquals(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
