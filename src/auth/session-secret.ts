import { createHmac, randomBytes } from 'node:crypto';
import { Request, Response } from 'express';
import { hashApiToken } from './token-secret';

export const SESSION_COOKIE = 'inbound_session';
export const CSRF_HEADER = 'x-csrf-token';

export function generateSessionSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashApiToken(secret) };
}

/**
 * The CSRF token of a session, derived from its secret: nothing more to store, and a page that
 * cannot read the cookie (httpOnly) cannot compute it. The UI gets it from login and GET /api/me.
 */
export function csrfTokenFor(sessionSecret: string, appKey: string): string {
  return createHmac('sha256', appKey).update(`csrf:${sessionSecret}`).digest('base64url');
}

export function sessionSecretOf(request: Request): string | null {
  const value = cookieValue(request, SESSION_COOKIE);
  return value && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : null;
}

export function cookieValue(request: Request, name: string): string | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

/** httpOnly, SameSite=Lax, Secure when the request came over TLS (directly or through a trusted proxy). */
export function setSessionCookie(request: Request, response: Response, secret: string, maxAgeMs: number): void {
  response.cookie(SESSION_COOKIE, secret, { httpOnly: true, sameSite: 'lax', secure: request.secure, path: '/', maxAge: maxAgeMs });
}

export function clearSessionCookie(request: Request, response: Response): void {
  response.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: request.secure, path: '/' });
}

export const CHANGES_STATE = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
