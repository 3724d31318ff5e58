import { Injectable } from '@nestjs/common';
import { generateSecret, generateURI, verify } from 'otplib';
import { AppConfig } from '../config/app-config';
import { AuditTrail } from '../audit/audit-trail';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { Principal } from '../auth/principal';
import { SecretBox } from '../email-settings/secret-box';
import { AccountsRepository } from './accounts.repository';
import { AccountRef } from './account-policy';
import { newRecoveryCodes, readSecondFactor, recoveryCodeHash } from './two-factor-policy';
import { TwoFactorRepository } from './two-factor.repository';

/** One step either side: a phone's clock a little off still signs in. */
const EPOCH_TOLERANCE_SECONDS = 30;

/** TOTP (RFC 6238, otplib) as a second factor, recovery codes, and the tenant's rule that makes it mandatory. */
@Injectable()
export class TwoFactorService {
  private readonly box: SecretBox;

  constructor(
    private readonly repository: TwoFactorRepository,
    private readonly accounts: AccountsRepository,
    private readonly audit: AuditTrail,
    config: AppConfig,
  ) {
    this.box = new SecretBox(config.appKey);
  }

  async status(principal: Principal) {
    const ref = accountRefOf(principal);
    const state = await this.repository.state(ref);
    return {
      enabled: Boolean(state?.enabled),
      required: principal.kind === 'tenant' ? await this.repository.tenantRequires(principal.tenantId) : false,
      recovery_codes_left: state?.enabled ? await this.repository.unusedRecoveryCodes(ref) : 0,
    };
  }

  /** A new secret for the authenticator app; in force once a code from it is confirmed (enable). */
  async setup(principal: Principal): Promise<{ secret: string; otpauth_url: string }> {
    const ref = accountRefOf(principal);
    const [account, state] = await Promise.all([this.accounts.find(ref), this.repository.state(ref)]);
    if (!account) throw DomainError.notFound('Account');
    if (state?.enabled) throw new DomainError('conflict', 'Two-factor sign-in is on already: turn it off first to set up another authenticator');
    const secret = generateSecret();
    await this.repository.setPendingSecret(ref, this.box.encrypt(secret));
    return { secret, otpauth_url: generateURI({ issuer: 'Inbound', label: account.email, secret }) };
  }

  /** Confirms the set-up secret with a code from the app; answers the recovery codes, shown this once. */
  async enable(principal: Principal, code: string): Promise<{ recovery_codes: string[] }> {
    const ref = accountRefOf(principal);
    const state = await this.repository.state(ref);
    if (!state?.secretEncrypted || state.enabled) throw new DomainError('conflict', 'Set up two-factor sign-in first (POST /api/auth/two-factor/setup)');
    const step = await this.verifyTotp(state.secretEncrypted, code);
    if (step === null) throw new DomainError('unprocessable', 'That code is not the current one of your authenticator app');
    const codes = newRecoveryCodes();
    await this.repository.enable(ref, new Date(), step, codes.map(recoveryCodeHash));
    return { recovery_codes: codes };
  }

  async disable(principal: Principal, code: string): Promise<void> {
    const ref = accountRefOf(principal);
    if (principal.kind === 'tenant' && (await this.repository.tenantRequires(principal.tenantId))) {
      throw new DomainError('unprocessable', 'Your tenant requires two-factor sign-in: it cannot be turned off');
    }
    if (!(await this.verifyForSignIn(ref, code))) throw new DomainError('unprocessable', 'Give a current code of your authenticator app, or a recovery code');
    await this.repository.disable(ref);
  }

  /** A current TOTP code not used before, or an unused recovery code (then used up). */
  async verifyForSignIn(ref: AccountRef, input: string | undefined): Promise<boolean> {
    const factor = readSecondFactor(input);
    const state = await this.repository.state(ref);
    if (!factor || !state?.enabled || !state.secretEncrypted) return false;
    if (factor.kind === 'recovery') return this.repository.consumeRecoveryCode(ref, recoveryCodeHash(factor.code), new Date());
    const step = await this.verifyTotp(state.secretEncrypted, factor.code);
    return step !== null && (await this.repository.claimStep(ref, step));
  }

  async setTenantPolicy(tenantId: TenantId, required: boolean): Promise<{ require_two_factor: boolean }> {
    this.audit.noteChanges({ require_two_factor: await this.repository.tenantRequires(tenantId) }, { require_two_factor: required });
    await this.repository.setTenantRequires(tenantId, required);
    return { require_two_factor: required };
  }

  async tenantPolicy(tenantId: TenantId): Promise<{ require_two_factor: boolean }> {
    return { require_two_factor: await this.repository.tenantRequires(tenantId) };
  }

  private async verifyTotp(secretEncrypted: string, code: string): Promise<number | null> {
    if (!/^\d{6}$/.test(code.trim())) return null;
    const result = await verify({ secret: this.box.decrypt(secretEncrypted), token: code.trim(), epochTolerance: EPOCH_TOLERANCE_SECONDS });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }
}

/** The account behind a principal; the bootstrap token and person-less tokens have none. */
export function accountRefOf(principal: Principal): AccountRef {
  if (principal.kind === 'platform_admin' && principal.operatorId !== null) return { kind: 'operator', id: principal.operatorId };
  if (principal.kind === 'tenant' && principal.userId !== null) return { kind: 'user', id: principal.userId };
  throw new DomainError('unprocessable', 'This credential belongs to no person (sign in with an e-mail address)');
}
