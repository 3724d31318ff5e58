import { simpleParser } from 'mailparser';
import { SinkMessage } from './smtp-sink';
import { TestApp } from './test-app';

/** A browser's view of a session: the cookie to send back and the CSRF token to send with changes. */
export interface CookieSession {
  cookie: string;
  csrf: string;
  body: Record<string, unknown>;
}

export function sessionCookieOf(setCookie: string[] | string | undefined): string {
  const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const found = cookies.find((c) => c.startsWith('inbound_session='));
  if (!found) throw new Error(`no session cookie in ${JSON.stringify(cookies)}`);
  return found.split(';')[0];
}

export async function signIn(t: TestApp, email: string, password: string): Promise<CookieSession> {
  const res = await t.http().post('/api/auth/login').send({ email, password }).expect(200);
  return { cookie: sessionCookieOf(res.headers['set-cookie']), csrf: res.body.csrf_token as string, body: res.body };
}

/** The link in an invitation or password-reset mail, as a person would click it. */
export async function linkOf(mail: SinkMessage): Promise<string> {
  const text = (await simpleParser(mail.raw)).text ?? '';
  const match = /https?:\/\/\S+#\/(?:welcome|reset-password)\?token=[\w.-]+/.exec(text);
  if (!match) throw new Error(`no link in mail: ${text}`);
  return match[0];
}

export async function linkTokenOf(mail: SinkMessage): Promise<string> {
  return new URLSearchParams((await linkOf(mail)).split('?')[1]).get('token')!;
}
