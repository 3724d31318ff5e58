import { Injectable, Logger } from '@nestjs/common';
import { Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { AuditTrail } from '../audit/audit-trail';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { isUniqueViolation } from '../database/database-errors';
import { TenantRole } from '../auth/principal';
import { SessionsRepository } from '../auth/sessions.repository';
import { SystemMailService } from '../outbound/system-mail.service';
import { TenantsService } from '../tenants/tenants.service';
import { toUserView, UsersService } from '../tenants/users.service';
import { invitationMail, passwordResetMail } from './account-mail';
import { Account, AccountsRepository } from './accounts.repository';
import { AccountRef, normalizeEmail, passwordProblem, passwordStamp, readAccountLink, signAccountLink } from './account-policy';
import { hashPassword } from './password-hashing';
import { SignedIn, SignInService } from './sign-in.service';
import { SignInLimiter } from './sign-in-limiter';

export interface NewAccount {
  email: string;
  name: string;
  /** Given: the account can sign in at once. Omitted: an invitation is mailed. */
  password?: string;
}

/** Creating people who sign in, inviting them, and setting their passwords from mailed links. */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger('Accounts');

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly users: UsersService,
    private readonly tenants: TenantsService,
    private readonly sessions: SessionsRepository,
    private readonly signIn: SignInService,
    private readonly mail: SystemMailService,
    private readonly limiter: SignInLimiter,
    private readonly audit: AuditTrail,
    private readonly config: AppConfig,
  ) {}

  /** Without an e-mail address, a user that only has tokens (as before people signed in). */
  async createUser(tenantId: TenantId, input: Partial<NewAccount> & { name: string; role: TenantRole }) {
    if (input.email === undefined) {
      if (input.password !== undefined) throw new DomainError('bad_request', 'password: a user who signs in needs an email');
      return toUserView(await this.users.create(tenantId, { name: input.name, role: input.role, email: null }));
    }
    const email = normalizeEmail(input.email);
    this.assertPassword(input.password, email);
    const tenant = await this.tenants.load(tenantId);
    if (await this.accounts.emailTaken(email)) throw taken();
    const user = await this.users.create(tenantId, { name: input.name, role: input.role, email, signInEmail: email });
    if (input.password) {
      await this.accounts.setPassword({ kind: 'user', id: user.id }, await hashPassword(input.password), new Date());
      return toUserView((await this.users.get(tenantId, user.id))!);
    }
    const invitation = await this.invite({ ref: { kind: 'user', id: user.id }, email, name: user.name, passwordHash: null, totpEnabled: false, tenant: null }, tenant.name);
    return { ...toUserView(user), invitation };
  }

  async resendInvitation(tenantId: TenantId, userId: number) {
    const tenant = await this.tenants.load(tenantId);
    const user = await this.users.get(tenantId, userId);
    const account = await this.accounts.find({ kind: 'user', id: user.id });
    if (!account) throw new DomainError('unprocessable', 'This user has no sign-in address: give it one by creating the user with an e-mail address');
    if (account.passwordHash) throw new DomainError('conflict', 'This user has accepted the invitation already');
    return { invitation: await this.invite(account, tenant.name) };
  }

  async createOperator(input: NewAccount) {
    const email = normalizeEmail(input.email);
    this.assertPassword(input.password, email);
    if (await this.accounts.emailTaken(email)) throw taken();
    let operator;
    try {
      operator = await this.accounts.insertOperator({ email, name: input.name });
    } catch (error) {
      if (isUniqueViolation(error)) throw taken();
      throw error;
    }
    const ref: AccountRef = { kind: 'operator', id: operator.id };
    if (input.password) {
      await this.accounts.setPassword(ref, await hashPassword(input.password), new Date());
      return toOperatorView((await this.accounts.findOperator(operator.id))!);
    }
    return { ...toOperatorView(operator), invitation: await this.invite({ ref, email, name: operator.name, passwordHash: null, totpEnabled: false, tenant: null }, 'the Inbound platform') };
  }

  async listOperators() {
    return (await this.accounts.listOperators()).map(toOperatorView);
  }

  async removeOperator(id: number): Promise<void> {
    if (!(await this.accounts.deleteOperator(id))) throw DomainError.notFound('Operator');
  }

  /** Always the same answer, known address or not; the mail goes only to a known one, a few times an hour at most. */
  async requestPasswordReset(rawEmail: string): Promise<{ message: string }> {
    const email = normalizeEmail(rawEmail);
    const account = await this.accounts.findByEmail(email);
    this.audit.note({ tenantId: account?.tenant?.id ?? null, target: { type: 'account', id: email } });
    if (account && (await this.limiter.mayMailReset(email))) {
      const link = this.link('reset-password', signAccountLink('password_reset', account.ref, account.passwordHash, new Date(), this.config.appKey));
      await this.mail.send(passwordResetMail({ to: account.email, name: account.name, link })).catch((error: Error) => {
        this.logger.warn(`password reset mail not sent: ${error.message}`);
      });
    }
    return { message: 'If this address has an account, a link to reset its password is on its way' };
  }

  /**
   * Accepts an invitation or a password reset: sets the password, ends every other session of
   * the account (a reset is what someone does who fears another has the password) and signs in.
   */
  async setPasswordFromLink(input: { token: string; password: string }, request: Request, response: Response): Promise<SignedIn> {
    const claims = readAccountLink(input.token, new Date(), this.config.appKey);
    const account = claims ? await this.accounts.find(claims.account) : null;
    if (!claims || !account || passwordStamp(account.passwordHash) !== claims.stamp) {
      throw new DomainError('unprocessable', 'This link is invalid, expired or used already: ask for a new one');
    }
    this.assertPassword(input.password, account.email);
    const passwordHash = await hashPassword(input.password);
    await this.accounts.setPassword(account.ref, passwordHash, new Date());
    await this.sessions.deleteAll(account.ref.kind === 'user' ? { userId: account.ref.id } : { operatorId: account.ref.id });
    return this.signIn.startSession({ ...account, passwordHash }, request, response);
  }

  private async invite(account: Account, workspace: string): Promise<{ sent: boolean; expires_at: Date; error?: string }> {
    const now = new Date();
    const link = this.link('welcome', signAccountLink('invitation', account.ref, null, now, this.config.appKey));
    const expiresAt = new Date(now.getTime() + 7 * 24 * 3_600_000);
    try {
      await this.mail.send(invitationMail({ to: account.email, name: account.name, workspace, link }));
      return { sent: true, expires_at: expiresAt };
    } catch (error) {
      // The account stays: the invitation can be sent again (POST .../users/:id/invitation).
      return { sent: false, expires_at: expiresAt, error: error instanceof Error ? error.message : String(error) };
    }
  }

  private link(page: 'welcome' | 'reset-password', token: string): string {
    return `${this.config.accounts.publicUrl}/#/${page}?token=${token}`;
  }

  private assertPassword(password: string | undefined, email: string): void {
    const problem = password === undefined ? null : passwordProblem(password, email);
    if (problem) throw new DomainError('bad_request', problem);
  }
}

function taken(): DomainError {
  return new DomainError('conflict', 'An account with this e-mail address already exists');
}

function toOperatorView(operator: { id: number; email: string; name: string; passwordChangedAt: Date | null; createdAt: Date }) {
  return {
    id: operator.id,
    email: operator.email,
    name: operator.name,
    sign_in: operator.passwordChangedAt ? 'password' : 'invited',
    created_at: operator.createdAt,
  };
}
