import { Injectable } from '@nestjs/common';
import { Request, Response } from 'express';
import * as oidc from 'openid-client';
import { AuditTrail } from '../audit/audit-trail';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { cookieValue } from '../auth/session-secret';
import { HTTPS_PORTS, urlEgressTarget } from '../egress/egress-policy';
import { EgressRefusedError, resolveEgressTarget } from '../egress/resolve-egress-target';
import { SecretBox } from '../email-settings/secret-box';
import { UsersService } from '../tenants/users.service';
import { AccountsRepository } from './accounts.repository';
import { normalizeEmail } from './account-policy';
import { SignInService } from './sign-in.service';
import { openSsoState, safeNext, sealSsoState, SSO_COOKIE, SSO_STATE_LIFETIME_MS } from './sso-state';
import { SsoRepository } from './sso.repository';

const DISCOVERY_CACHE_MS = 10 * 60_000;

/**
 * OpenID Connect sign-in per tenant (openid-client): the address's verified domain picks the
 * tenant and its provider; authorization code with PKCE, state and nonce; people are created on
 * their first sign-in only when the provider vouches for an address on one of the tenant's
 * verified domains.
 */
@Injectable()
export class SsoService {
  private readonly box: SecretBox;
  private readonly discovered = new Map<number, { at: number; issuer: string; config: oidc.Configuration }>();

  constructor(
    private readonly sso: SsoRepository,
    private readonly accounts: AccountsRepository,
    private readonly users: UsersService,
    private readonly signIn: SignInService,
    private readonly config: AppConfig,
    private readonly trail: AuditTrail,
  ) {
    this.box = new SecretBox(config.appKey);
  }

  get redirectUri(): string {
    return `${this.config.accounts.publicUrl}/api/auth/sso/callback`;
  }

  async settings(tenantId: TenantId) {
    const settings = await this.sso.find(tenantId);
    return settings ? { issuer: settings.issuer, client_id: settings.clientId, client_secret_set: true, enabled: settings.enabled, redirect_uri: this.redirectUri } : null;
  }

  /** Saved only once the provider's discovery document answers. */
  async saveSettings(tenantId: TenantId, input: { issuer: string; client_id: string; client_secret: string; enabled?: boolean }) {
    const settings = { issuer: input.issuer.replace(/\/+$/, ''), clientId: input.client_id, clientSecretEncrypted: this.box.encrypt(input.client_secret), enabled: input.enabled ?? true };
    await this.discover(tenantId, settings, true);
    await this.sso.save(tenantId, settings);
    return this.settings(tenantId);
  }

  async removeSettings(tenantId: TenantId): Promise<void> {
    this.discovered.delete(tenantId);
    await this.sso.delete(tenantId);
  }

  /** Where to send the browser: the provider's authorization endpoint for this address's tenant. */
  async start(rawEmail: string, next: unknown, request: Request, response: Response): Promise<string> {
    const email = normalizeEmail(rawEmail);
    const tenantId = await this.sso.verifiedDomainOwner(email.split('@')[1] ?? '');
    const settings = tenantId ? await this.sso.find(tenantId) : null;
    if (!tenantId || !settings?.enabled) throw new DomainError('not_found', 'Single sign-on is not set up for this address: sign in with your password');
    const config = await this.discover(tenantId, settings);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = { tenantId, verifier, state: oidc.randomState(), nonce: oidc.randomNonce(), next: safeNext(next), expiresAt: Date.now() + SSO_STATE_LIFETIME_MS };
    response.cookie(SSO_COOKIE, sealSsoState(state, this.config.appKey), { httpOnly: true, sameSite: 'lax', secure: request.secure, path: '/api/auth/sso', maxAge: SSO_STATE_LIFETIME_MS });
    return oidc
      .buildAuthorizationUrl(config, {
        redirect_uri: this.redirectUri,
        scope: 'openid email profile',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: state.state,
        nonce: state.nonce,
        login_hint: email,
      })
      .toString();
  }

  /** The provider sent the browser back: the code for tokens, the ID token's claims for a person, a session. Answers the UI path to open. */
  async callback(request: Request, response: Response): Promise<string> {
    const state = openSsoState(cookieValue(request, SSO_COOKIE) ?? undefined, Date.now(), this.config.appKey);
    response.clearCookie(SSO_COOKIE, { path: '/api/auth/sso' });
    if (!state) throw new DomainError('unauthorized', 'The single sign-on took too long or did not start here: try again');
    const tenantId = state.tenantId as TenantId;
    this.trail.note({ tenantId });
    const settings = await this.sso.find(tenantId);
    if (!settings?.enabled) throw new DomainError('not_found', 'Single sign-on is not set up for this tenant any more');
    const config = await this.discover(tenantId, settings);
    const tokens = await oidc
      .authorizationCodeGrant(config, new URL(request.originalUrl, this.config.accounts.publicUrl), {
        pkceCodeVerifier: state.verifier,
        expectedState: state.state,
        expectedNonce: state.nonce,
        idTokenExpected: true,
      })
      .catch((error: Error) => {
        throw new DomainError('unauthorized', `The identity provider's answer was refused: ${error.message}`);
      });
    const idToken = tokens.claims()!;
    // Providers put the profile and e-mail claims in the UserInfo answer, not always in the ID token.
    const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub).catch(() => ({}));
    const userId = await this.personFor(tenantId, settings.issuer, { ...userInfo, ...idToken });
    const account = await this.accounts.find({ kind: 'user', id: userId });
    if (!account) throw new DomainError('unauthorized', 'This person cannot sign in');
    await this.signIn.startSession(account, request, response);
    return state.next;
  }

  private async personFor(tenantId: TenantId, issuer: string, claims: { sub: string; email?: unknown; email_verified?: unknown; name?: unknown }): Promise<number> {
    const linked = await this.sso.userByIdentity(tenantId, issuer, claims.sub);
    if (linked) return linked;
    const email = typeof claims.email === 'string' ? normalizeEmail(claims.email) : '';
    if (!email || claims.email_verified !== true) throw new DomainError('forbidden', 'The identity provider did not vouch for an e-mail address');
    if ((await this.sso.verifiedDomainOwner(email.split('@')[1] ?? '')) !== tenantId) {
      throw new DomainError('forbidden', `${email} is not on a verified domain of this tenant`);
    }
    const existing = await this.sso.userByEmail(tenantId, email);
    const userId =
      existing ??
      (await this.users.create(tenantId, { name: typeof claims.name === 'string' && claims.name ? claims.name.slice(0, 200) : email, role: 'agent', email, signInEmail: email })).id;
    await this.sso.linkIdentity(tenantId, userId, issuer, claims.sub);
    return userId;
  }

  /** The provider's metadata, fetched only from a host the egress policy allows (https, or http to an EGRESS_ALLOWED_HOSTS host). */
  private async discover(tenantId: TenantId, settings: { issuer: string; clientId: string; clientSecretEncrypted: string }, fresh = false): Promise<oidc.Configuration> {
    const cached = this.discovered.get(tenantId);
    if (!fresh && cached && cached.issuer === settings.issuer && Date.now() - cached.at < DISCOVERY_CACHE_MS) return cached.config;
    let url: URL;
    try {
      url = new URL(settings.issuer);
    } catch {
      throw new DomainError('unprocessable', 'issuer: must be an https URL');
    }
    const target = await resolveEgressTarget(urlEgressTarget(url), { allowances: this.config.egressAllowedHosts, ports: HTTPS_PORTS }).catch((error: Error) => {
      throw new DomainError('unprocessable', `issuer: ${error instanceof EgressRefusedError ? error.message : `cannot be reached (${error.message})`}`);
    });
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && target.allowlisted)) throw new DomainError('unprocessable', 'issuer: must be an https URL');
    const config = await oidc
      .discovery(url, settings.clientId, undefined, oidc.ClientSecretBasic(this.box.decrypt(settings.clientSecretEncrypted)), {
        execute: url.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
        timeout: 10,
      })
      .catch((error: Error) => {
        throw new DomainError('unprocessable', `issuer: no OpenID provider answered there (${error.message})`);
      });
    this.discovered.set(tenantId, { at: Date.now(), issuer: settings.issuer, config });
    return config;
  }
}
