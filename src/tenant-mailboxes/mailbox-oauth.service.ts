import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Actor } from '../audit/audit-policy';
import { AuditTrail } from '../audit/audit-trail';
import { AppConfig } from '../config/app-config';
import { OAuthClientConfig, OAuthMailboxKind, PROVIDER_ENDPOINTS } from '../config/mailbox-oauth-config';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { HTTPS_PORTS, urlEgressTarget } from '../egress/egress-policy';
import { resolveEgressTarget } from '../egress/resolve-egress-target';
import { SecretBox } from '../email-settings/secret-box';
import { CredentialsRefused } from '../sources/imap/mailbox-reader.types';
import { MailboxOAuthState, OAUTH_STATE_LIFETIME_MS, openOAuthState, sealOAuthState } from './mailbox-oauth-state';
import { grantIsRevoked, isOAuthKind, mailboxAddressOf, OAUTH_PROVIDERS, oauthErrorCode, refreshMarginMs } from './oauth-providers';
import { TenantMailbox } from './tenant-mailbox.entity';
import { TenantMailboxesRepository } from './tenant-mailboxes.repository';

const TOKEN_TIMEOUT_SECONDS = 15;
/** A refresh claim outlives the token request's timeout; a crashed claimer's claim runs out after it. */
const REFRESH_CLAIM_SECONDS = 30;
const REFRESH_WAIT_STEP_MS = 200;

type AppFields = Pick<TenantMailbox, 'kind' | 'oauthClientId' | 'oauthClientSecretEncrypted' | 'oauthAuthorizeUrl' | 'oauthTokenUrl'>;

/** A token endpoint's answer, with the ID token's address taken out (see customFetch below). */
interface Grant {
  accessToken: string;
  refreshToken: string | null;
  usableUntil: Date;
  address: string | null;
}

/**
 * The OAuth2 side of Microsoft 365 and Google mailboxes (openid-client): the authorization-code
 * flow with PKCE that connects one, and the only code that refreshes access tokens. One process
 * refreshes a mailbox at a time, over every instance (a claim in its row; the others wait for its
 * tokens), and the result is stored only over the token version it started from, so a rotated
 * refresh token is never presented twice nor overwritten by an older one.
 */
@Injectable()
export class MailboxOAuthService {
  private readonly logger = new Logger('MailboxOAuth');
  private readonly box: SecretBox;
  private readonly refreshing = new Map<string, Promise<string>>();

  constructor(
    private readonly mailboxes: TenantMailboxesRepository,
    private readonly config: AppConfig,
    private readonly trail: AuditTrail,
  ) {
    this.box = new SecretBox(config.appKey);
  }

  get redirectUri(): string {
    return `${this.config.accounts.publicUrl}/api/email-settings/mailboxes/oauth/callback`;
  }

  /** The app a mailbox connects through: the tenant's own when it brought one, else the platform's. */
  clientOf(row: AppFields): OAuthClientConfig | null {
    if (!isOAuthKind(row.kind)) return null;
    const platform = this.config.mailboxOAuth.apps[row.kind];
    const clientId = row.oauthClientId ?? platform?.clientId;
    const clientSecret = row.oauthClientSecretEncrypted ? this.box.decrypt(row.oauthClientSecretEncrypted) : platform?.clientSecret;
    if (!clientId || !clientSecret) return null;
    const endpoints = platform ?? PROVIDER_ENDPOINTS[row.kind];
    return { clientId, clientSecret, authorizeUrl: row.oauthAuthorizeUrl ?? endpoints.authorizeUrl, tokenUrl: row.oauthTokenUrl ?? endpoints.tokenUrl };
  }

  encryptSecret(secret: string): string {
    return this.box.encrypt(secret);
  }

  /** Where to send the admin's browser, and the value of the cookie that binds the callback to that browser. */
  async authorization(row: TenantMailbox, actor: Actor): Promise<{ authorizeUrl: string; binding: string }> {
    const client = this.requireClient(row);
    const verifier = oidc.randomPKCECodeVerifier();
    const state: MailboxOAuthState = { tenantId: row.tenantId, mailboxId: row.id, verifier, binding: randomBytes(18).toString('base64url'), actor, expiresAt: Date.now() + OAUTH_STATE_LIFETIME_MS };
    const provider = OAUTH_PROVIDERS[row.kind as OAuthMailboxKind];
    const url = oidc.buildAuthorizationUrl(this.configuration(client, row, { address: null }), {
      redirect_uri: this.redirectUri,
      scope: provider.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: sealOAuthState(state, this.box),
      ...provider.authorizeParameters,
      ...(row.username ? { login_hint: row.username } : {}),
    });
    return { authorizeUrl: url.toString(), binding: state.binding };
  }

  /** The provider sent the browser back: checks the state, trades the code, and stores the grant. */
  async complete(currentUrl: URL, binding: string | null): Promise<{ tenantId: TenantId; mailboxId: number }> {
    const rawState = currentUrl.searchParams.get('state');
    const state = openOAuthState(rawState, Date.now(), this.box);
    if (!state) throw new DomainError('unauthorized', 'Connecting the mailbox took too long or did not start here: start again from Settings › Mailboxes');
    const tenantId = state.tenantId as TenantId;
    this.trail.note({ actor: state.actor, tenantId, target: { type: 'mailbox', id: state.mailboxId } });
    if (!binding || binding !== state.binding) throw new DomainError('forbidden', 'Finish connecting the mailbox in the browser that started it');
    const row = await this.mailboxes.find(tenantId, state.mailboxId);
    if (!row || !isOAuthKind(row.kind)) throw new DomainError('not_found', 'This mailbox was removed while it was being connected');
    const providerError = currentUrl.searchParams.get('error');
    if (providerError) throw new DomainError('forbidden', `${OAUTH_PROVIDERS[row.kind].label} did not grant access (${providerError}${currentUrl.searchParams.get('error_description') ? `: ${currentUrl.searchParams.get('error_description')}` : ''})`);
    // RFC 9207's `iss` guards a client of several providers against mixing them up; this flow's
    // endpoints are fixed by its mailbox, and the configuration knows no issuer to compare it with.
    const response = new URL(currentUrl);
    response.searchParams.delete('iss');
    const grant = await this.tokenRequest(row, (configuration) =>
      oidc.authorizationCodeGrant(configuration, response, { pkceCodeVerifier: state.verifier, expectedState: rawState! }, { redirect_uri: this.redirectUri }),
    ).catch((error: unknown) => {
      if (error instanceof DomainError) throw error;
      throw new DomainError('forbidden', `${OAUTH_PROVIDERS[row.kind as OAuthMailboxKind].label} refused the sign-in: ${describe(error)}`);
    });
    if (!grant.address) throw new DomainError('unprocessable', 'The provider did not say which mailbox this is (no e-mail address in its ID token)');
    if (!grant.refreshToken) throw new DomainError('unprocessable', 'The provider gave no refresh token: the mailbox could only be read for an hour');
    if (row.username && row.username.toLowerCase() !== grant.address) {
      throw new DomainError('conflict', `You signed in as ${grant.address}, but this connection reads ${row.username}: sign in as ${row.username}, or add ${grant.address} as a new mailbox`);
    }
    this.trail.note({ changes: { username: { before: row.username || null, after: grant.address }, grant: { changed: true } } });
    await this.mailboxes.storeGrant(tenantId, row.id, {
      username: grant.address,
      oauthRefreshTokenEncrypted: this.box.encrypt(grant.refreshToken),
      oauthAccessTokenEncrypted: this.box.encrypt(grant.accessToken),
      oauthAccessTokenExpiresAt: grant.usableUntil,
    });
    this.logger.log(`mailbox ${row.id} of tenant ${tenantId} connected as ${grant.address}`);
    return { tenantId, mailboxId: row.id };
  }

  /**
   * A usable access token of a mailbox: the stored one while it has time left, else a new one
   * (and, where the provider rotates them, a new refresh token, stored in the same write).
   * `fresh` asks for a new one even so: the IMAP server has just refused the stored one.
   * Throws CredentialsRefused when only the tenant admin can help (grant revoked, no grant).
   */
  accessToken(mailboxId: number, options: { fresh?: boolean } = {}): Promise<string> {
    const fresh = options.fresh ?? false;
    // A caller told that a token was refused must not be handed the answer of a call that began before.
    const key = `${mailboxId}:${fresh}`;
    const running = this.refreshing.get(key);
    if (running) return running;
    const next = this.currentOrRefreshed(mailboxId, fresh).finally(() => this.refreshing.delete(key));
    this.refreshing.set(key, next);
    return next;
  }

  private async currentOrRefreshed(mailboxId: number, fresh: boolean): Promise<string> {
    let row = await this.mailboxes.forReader(mailboxId);
    const askedAt = row?.oauthTokenVersion;
    for (let waited = 0; ; waited += REFRESH_WAIT_STEP_MS) {
      if (!row?.oauthRefreshTokenEncrypted) throw new CredentialsRefused('the mailbox is not connected: connect it again');
      const renewedMeanwhile = row.oauthTokenVersion !== askedAt;
      const usable = row.oauthAccessTokenEncrypted && row.oauthAccessTokenExpiresAt && row.oauthAccessTokenExpiresAt.getTime() > Date.now();
      if (usable && (!fresh || renewedMeanwhile)) return this.box.decrypt(row.oauthAccessTokenEncrypted!);
      if (await this.mailboxes.claimRefresh(mailboxId, REFRESH_CLAIM_SECONDS)) break;
      // Another instance is refreshing: its tokens are the ones to use.
      if (waited >= REFRESH_CLAIM_SECONDS * 1000) throw new Error('another instance has been refreshing the access token for too long; trying again later');
      await new Promise((resolve) => setTimeout(resolve, REFRESH_WAIT_STEP_MS));
      row = await this.mailboxes.forReader(mailboxId);
    }
    try {
      return await this.refresh(row);
    } finally {
      await this.mailboxes.releaseRefresh(mailboxId);
    }
  }

  private async refresh(row: TenantMailbox): Promise<string> {
    const label = OAUTH_PROVIDERS[row.kind as OAuthMailboxKind]?.label ?? row.kind;
    const refreshToken = this.box.decrypt(row.oauthRefreshTokenEncrypted!);
    let grant: Grant;
    try {
      grant = await this.tokenRequest(row, (configuration) => oidc.refreshTokenGrant(configuration, refreshToken));
    } catch (error) {
      if (grantIsRevoked(error)) throw new CredentialsRefused(`${label} refused the stored grant (invalid_grant: access revoked, expired or the password changed): reconnect the mailbox`, { cause: error });
      throw new Error(`could not refresh the ${label} access token: ${describe(error)}`, { cause: error });
    }
    const stored = await this.mailboxes.storeRefreshed(row.id, row.oauthTokenVersion, {
      oauthAccessTokenEncrypted: this.box.encrypt(grant.accessToken),
      oauthAccessTokenExpiresAt: grant.usableUntil,
      ...(grant.refreshToken ? { oauthRefreshTokenEncrypted: this.box.encrypt(grant.refreshToken) } : {}),
    });
    if (!stored) this.logger.warn(`mailbox ${row.id}: its grant changed while refreshing (reconnected?); this token is used once and not stored`);
    return grant.accessToken;
  }

  /** The app, or a 422 saying what is missing. */
  requireClient(row: AppFields): OAuthClientConfig {
    const client = this.clientOf(row);
    if (!client) {
      const label = OAUTH_PROVIDERS[row.kind as OAuthMailboxKind]?.label ?? row.kind;
      throw new DomainError('unprocessable', `${label} is not set up on this platform (the operator sets OAUTH_${row.kind === 'google' ? 'GOOGLE' : 'MICROSOFT'}_CLIENT_ID and _SECRET), and this mailbox brings no app of its own`);
    }
    return client;
  }

  private async tokenRequest(row: TenantMailbox, grant: (configuration: oidc.Configuration) => Promise<oidc.TokenEndpointResponse>): Promise<Grant> {
    const seen = { address: null as string | null };
    const started = Date.now();
    const response = await grant(this.configuration(this.requireClient(row), row, seen));
    const lifetimeMs = (response.expires_in ?? 3600) * 1000;
    return {
      accessToken: response.access_token,
      refreshToken: response.refresh_token ?? null,
      usableUntil: new Date(started + lifetimeMs - refreshMarginMs(lifetimeMs)),
      address: seen.address,
    };
  }

  /**
   * openid-client over the app's endpoints. Its fetch checks a tenant's own token endpoint against
   * the egress rules at every call, and takes the ID token out of the answer after reading the
   * mailbox address from it (see mailboxAddressOf): openid-client would check it against an issuer
   * that Entra ID's "common" endpoint does not have.
   */
  private configuration(client: OAuthClientConfig, row: Pick<TenantMailbox, 'oauthTokenUrl'>, seen: { address: string | null }): oidc.Configuration {
    const tokenUrl = new URL(client.tokenUrl);
    const configuration = new oidc.Configuration(
      { issuer: `${tokenUrl.origin}/`, authorization_endpoint: client.authorizeUrl, token_endpoint: client.tokenUrl },
      client.clientId,
      undefined,
      oidc.ClientSecretPost(client.clientSecret),
    );
    configuration.timeout = TOKEN_TIMEOUT_SECONDS;
    if (tokenUrl.protocol === 'http:') oidc.allowInsecureRequests(configuration);
    const tenantEndpoint = row.oauthTokenUrl !== null;
    configuration[oidc.customFetch] = async (url, init) => {
      if (tenantEndpoint) {
        await resolveEgressTarget(urlEgressTarget(new URL(url)), { allowances: this.config.egressAllowedHosts, ports: HTTPS_PORTS });
      }
      const response = await fetch(url, init as RequestInit);
      if (!(response.headers.get('content-type') ?? '').includes('json')) return response;
      const body = (await response.json()) as Record<string, unknown>;
      if (body.id_token !== undefined) {
        seen.address = mailboxAddressOf(body.id_token);
        delete body.id_token;
      }
      return new Response(JSON.stringify(body), { status: response.status, statusText: response.statusText, headers: response.headers });
    };
    return configuration;
  }
}

function describe(error: unknown): string {
  const code = oauthErrorCode(error);
  const e = error as { error_description?: unknown; cause?: { error_description?: unknown }; message?: string };
  const description = e?.error_description ?? e?.cause?.error_description;
  return code ? `${code}${typeof description === 'string' ? `: ${description}` : ''}` : (e?.message ?? String(error));
}
