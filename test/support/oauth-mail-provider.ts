// The OAuth2 server of the mailbox-connection tests (oauth-mail-provider-server.mjs, oidc-provider
// in a child process) standing in for Microsoft 365 and Google, and completeProviderFlow() which
// signs in and consents on its development pages over plain HTTP, as a person would in a browser.
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './oidc-provider';

export interface OAuthMailProvider {
  issuer: string;
  authorizeUrl: string;
  tokenUrl: string;
  introspectionUrl: string;
  revocationUrl: string;
  clientId: string;
  clientSecret: string;
  /** The resource server's credentials, with which Dovecot introspects access tokens. */
  introspectionClientId: string;
  introspectionClientSecret: string;
  /** introspectionUrl with the resource server's credentials, for startPrivateDovecot's oauth2IntrospectionUrl. */
  dovecotIntrospectionUrl: string;
  /** Whether an access token is valid for `user`, as a resource server (Dovecot, an SMTP server) learns by introspection. */
  validFor(user: string, accessToken: string): Promise<boolean>;
  /** Destroys every grant, authorization code, access and refresh token issued so far. */
  revokeAll(): Promise<void>;
  /** Token-endpoint calls by grant type, and failed ones as "<grant_type> <error>" (e.g. "refresh_token invalid_grant"). */
  tokenRequests(): Promise<Record<string, number>>;
  /** Lifetime of the access tokens issued from now on (earlier ones keep theirs). */
  setAccessTokenTtl(seconds: number): Promise<void>;
  close(): Promise<void>;
}

export interface OAuthMailProviderOptions {
  redirectUri: string;
  /** Lifetime of access tokens (default 3600 s, as Microsoft's and Google's). */
  accessTokenTtlSeconds?: number;
}

/**
 * Starts oidc-provider on loopback with one confidential client (client_secret_basic or _post,
 * authorization_code + refresh_token, PKCE S256 required) for `redirectUri`. Every code exchange
 * issues a refresh token (with or without offline_access), every refresh rotates it, and the ID
 * token carries `email` = the login name. Access tokens are opaque, checked by introspection.
 */
export async function startOAuthMailProvider(options: OAuthMailProviderOptions): Promise<OAuthMailProvider> {
  const port = await freePort();
  const clientId = 'inbound-mail-test';
  const clientSecret = 'inbound-mail-test-secret-0123456789';
  const ttl = options.accessTokenTtlSeconds ?? 3600;
  const script = join(__dirname, 'oauth-mail-provider-server.mjs');
  const child: ChildProcess = spawn(process.execPath, [script, String(port), clientId, clientSecret, options.redirectUri, String(ttl)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const issuer = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`oauth mail provider did not start: ${errors}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /ready (\S+)/.exec(chunk.toString());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`oauth mail provider exited with ${code}: ${errors}`)));
  });
  const control = async (path: string, method: 'GET' | 'POST'): Promise<Response> => {
    const response = await fetch(`${issuer}/__test/${path}`, { method });
    if (!response.ok) throw new Error(`oauth mail provider ${path}: HTTP ${response.status}`);
    return response;
  };
  return {
    issuer,
    authorizeUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    introspectionUrl: `${issuer}/token/introspection`,
    revocationUrl: `${issuer}/token/revocation`,
    clientId,
    clientSecret,
    introspectionClientId: 'dovecot',
    introspectionClientSecret: `${clientSecret}-dovecot`,
    dovecotIntrospectionUrl: `http://dovecot:${clientSecret}-dovecot@${new URL(issuer).host}/token/introspection`,
    validFor: async (user, accessToken) => {
      const response = await fetch(`${issuer}/token/introspection`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`dovecot:${clientSecret}-dovecot`).toString('base64')}` },
        body: new URLSearchParams({ token: accessToken }).toString(),
      });
      const answer = (await response.json()) as { active?: boolean; sub?: string };
      return answer.active === true && answer.sub === user;
    },
    revokeAll: async () => void (await control('revoke-all', 'POST')),
    setAccessTokenTtl: async (seconds) => void (await control(`access-token-ttl?seconds=${seconds}`, 'POST')),
    tokenRequests: async () => (await (await control('token-requests', 'GET')).json()) as Record<string, number>,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/**
 * Goes through the provider's login (as `login`, any password) and consent pages for an
 * authorization URL, following its redirects by hand, and returns the URL it finally redirects
 * to (the client's redirect_uri with code and state, or with an error) without requesting it.
 */
export async function completeProviderFlow(authorizeUrl: string, login: string): Promise<string> {
  const providerOrigin = new URL(authorizeUrl).origin;
  const jar = new CookieJar();
  let request: { url: string; form?: Record<string, string> } = { url: authorizeUrl };
  for (let step = 0; step < 12; step++) {
    const response = await fetch(request.url, {
      method: request.form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(request.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: request.form ? new URLSearchParams(request.form).toString() : undefined,
    });
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, request.url).toString();
      if (new URL(next).origin !== providerOrigin) return next;
      request = { url: next };
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (response.status !== 200 || !action) throw new Error(`provider page ${request.url}: HTTP ${response.status} ${html.slice(0, 500)}`);
    const form: Record<string, string> = /name="login"/.test(html) ? { prompt: 'login', login, password: 'any' } : { prompt: 'consent' };
    request = { url: new URL(action.replace(/&amp;/g, '&'), request.url).toString(), form };
  }
  throw new Error(`provider flow for ${login} did not reach the redirect_uri`);
}
