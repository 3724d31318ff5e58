import { Injectable } from '@nestjs/common';
import { Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { AuditTrail } from '../audit/audit-trail';
import { DomainError } from '../common/domain-error';
import { AuthFailureLimiter } from '../auth/auth-failure-limiter';
import { Principal } from '../auth/principal';
import { Session } from '../auth/session.entity';
import { SessionOwner, SessionsRepository } from '../auth/sessions.repository';
import { clearSessionCookie, csrfTokenFor, generateSessionSecret, sessionSecretOf, setSessionCookie } from '../auth/session-secret';
import { Account, AccountsRepository } from './accounts.repository';
import { normalizeEmail } from './account-policy';
import { MeService, MeView } from './me.service';
import { verifyPassword } from './password-hashing';
import { SignInLimiter } from './sign-in-limiter';
import { TwoFactorService } from './two-factor.service';

/** The one answer to a wrong address, a wrong password and an account without a password. */
const WRONG = 'Wrong e-mail address or password';

export type SignedIn = MeView & { csrf_token: string };

interface SessionView {
  id: number;
  current: boolean;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
}

/** Password sign-in, browser sessions and sign-out. */
@Injectable()
export class SignInService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly sessions: SessionsRepository,
    private readonly me: MeService,
    private readonly ipLimiter: AuthFailureLimiter,
    private readonly accountLimiter: SignInLimiter,
    private readonly twoFactor: TwoFactorService,
    private readonly audit: AuditTrail,
    private readonly config: AppConfig,
  ) {}

  async login(input: { email: string; password: string; code?: string }, request: Request, response: Response): Promise<SignedIn> {
    const email = normalizeEmail(input.email);
    await this.ipLimiter.assertNotBlocked(request, response);
    await this.accountLimiter.assertNotBlocked(email, response);
    const account = await this.accounts.findByEmail(email);
    this.audit.note({ tenantId: account?.tenant?.id ?? null, target: { type: 'account', id: email } });
    if (!(await verifyPassword(account?.passwordHash ?? null, input.password))) {
      await this.accountLimiter.recordFailure(email, response);
      await this.ipLimiter.recordFailure(request, response);
      throw new DomainError('unauthorized', WRONG);
    }
    if (account!.totpEnabled && !(await this.twoFactor.verifyForSignIn(account!.ref, input.code))) {
      // Asking for the code after the right password counts nothing; a wrong code counts as a failure.
      if (!input.code) throw new DomainError('unauthorized', 'Enter the code of your authenticator app, or a recovery code', { two_factor: 'required' });
      await this.accountLimiter.recordFailure(email, response);
      await this.ipLimiter.recordFailure(request, response);
      throw new DomainError('unauthorized', 'Wrong or used code', { two_factor: 'required' });
    }
    return this.startSession(account!, request, response);
  }

  /** A new session for an account whose credentials were just checked: the cookie, and who it is. */
  async startSession(account: Account, request: Request, response: Response): Promise<SignedIn> {
    this.audit.note({ actor: { kind: account.ref.kind, id: account.ref.id }, tenantId: account.tenant?.id ?? null, target: { type: account.ref.kind, id: account.ref.id } });
    if (account.tenant && account.tenant.status !== 'active') throw new DomainError('forbidden', 'This tenant is disabled');
    const { secret, hash } = generateSessionSecret();
    const now = new Date();
    const { sessionMaxMs } = this.config.accounts;
    const owner: SessionOwner = account.ref.kind === 'user' ? { userId: account.ref.id } : { operatorId: account.ref.id };
    const session = await this.sessions.insert({
      ...owner,
      tokenHash: hash,
      ip: request.ip?.slice(0, 64) ?? null,
      userAgent: request.headers['user-agent']?.slice(0, 300) ?? null,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + sessionMaxMs),
    });
    // The absolute end; the idle end is the server's to check (the cookie is not renewed per request).
    setSessionCookie(request, response, secret, sessionMaxMs);
    const setupRequired = Boolean(account.tenant?.requireTwoFactor && !account.totpEnabled);
    const principal: Principal = account.tenant
      ? { kind: 'tenant', tenantId: account.tenant.id, role: account.tenant.role, tokenId: null, userId: account.ref.id, sessionId: session.id, ...(setupRequired ? { twoFactorSetupRequired: true } : {}) }
      : { kind: 'platform_admin', operatorId: account.ref.id, sessionId: session.id };
    return { ...(await this.me.describe(principal)), csrf_token: csrfTokenFor(secret, this.config.appKey) };
  }

  async logout(principal: Principal, request: Request, response: Response): Promise<void> {
    if (principal.sessionId === null) throw new DomainError('bad_request', 'Sign-out ends a browser session; a token is revoked instead (DELETE /api/tenants/:id/tokens/:tokenId)');
    await this.sessions.delete(ownerOf(principal), principal.sessionId);
    clearSessionCookie(request, response);
  }

  async logoutEverywhere(principal: Principal, request: Request, response: Response): Promise<{ ended: number }> {
    const ended = await this.sessions.deleteAll(ownerOf(principal));
    if (sessionSecretOf(request)) clearSessionCookie(request, response);
    return { ended };
  }

  async list(principal: Principal): Promise<SessionView[]> {
    return (await this.sessions.list(ownerOf(principal))).map((s) => toSessionView(s, principal.sessionId));
  }

  async revoke(principal: Principal, sessionId: number): Promise<void> {
    if (!(await this.sessions.delete(ownerOf(principal), sessionId))) throw DomainError.notFound('Session');
  }
}

/** The person behind the principal; the bootstrap token and tokens without a user have no sessions. */
export function ownerOf(principal: Principal): SessionOwner {
  if (principal.kind === 'platform_admin' && principal.operatorId !== null) return { operatorId: principal.operatorId };
  if (principal.kind === 'tenant' && principal.userId !== null) return { userId: principal.userId };
  throw new DomainError('unprocessable', 'This credential belongs to no person: sessions are a person’s (sign in with an e-mail address)');
}

function toSessionView(session: Session, currentId: number | null): SessionView {
  return {
    id: session.id,
    current: session.id === currentId,
    ip: session.ip,
    user_agent: session.userAgent,
    created_at: session.createdAt,
    last_seen_at: session.lastSeenAt,
    expires_at: session.expiresAt,
  };
}
