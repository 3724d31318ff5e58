import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { asTenantId, TenantId } from '../common/tenant-id';
import { TenantRole } from '../auth/principal';
import { User } from '../tenants/user.entity';
import { AccountRef } from './account-policy';
import { Operator } from './operator.entity';

/** Someone who may sign in: a tenant's user or an operator, with what signing in needs to know. */
export interface Account {
  ref: AccountRef;
  email: string;
  name: string;
  passwordHash: string | null;
  totpEnabled: boolean;
  tenant: { id: TenantId; role: TenantRole; status: string; requireTwoFactor: boolean } | null;
}

interface UserRow {
  id: number;
  sign_in_email: string;
  name: string;
  password_hash: string | null;
  tenant_id: number;
  role: TenantRole;
  tenant_status: string;
  totp_enabled_at: unknown;
  require_two_factor: number | boolean;
}

const USER_ACCOUNT =
  'SELECT u.id, u.sign_in_email, u.name, u.password_hash, u.totp_enabled_at, u.tenant_id, u.role, t.status AS tenant_status, t.require_two_factor ' +
  'FROM users u JOIN tenants t ON t.id = u.tenant_id';

/**
 * Accounts across tenants by nature: signing in names an address, not a tenant. Addresses are
 * unique among users (uq_users_sign_in_email) and among operators; the service keeps the two apart.
 */
@Injectable()
export class AccountsRepository {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Operator) private readonly operators: Repository<Operator>,
  ) {}

  async findByEmail(email: string): Promise<Account | null> {
    const [user]: UserRow[] = await this.users.query(`${USER_ACCOUNT} WHERE u.sign_in_email = ?`, [email]);
    if (user) return userAccount(user);
    const operator = await this.operators.createQueryBuilder('o').addSelect('o.passwordHash').where('o.email = :email', { email }).getOne();
    return operator ? operatorAccount(operator) : null;
  }

  async find(ref: AccountRef): Promise<Account | null> {
    if (ref.kind === 'operator') {
      const operator = await this.operators.createQueryBuilder('o').addSelect('o.passwordHash').where('o.id = :id', { id: ref.id }).getOne();
      return operator ? operatorAccount(operator) : null;
    }
    const [user]: UserRow[] = await this.users.query(`${USER_ACCOUNT} WHERE u.id = ? AND u.sign_in_email IS NOT NULL`, [ref.id]);
    return user ? userAccount(user) : null;
  }

  async setPassword(ref: AccountRef, passwordHash: string, at: Date): Promise<void> {
    const fields = { passwordHash, passwordChangedAt: at };
    if (ref.kind === 'operator') await this.operators.update({ id: ref.id }, fields);
    else await this.users.update({ id: ref.id }, fields);
  }

  async emailTaken(email: string): Promise<boolean> {
    return (await this.users.existsBy({ signInEmail: email })) || (await this.operators.existsBy({ email }));
  }

  insertOperator(fields: Pick<Operator, 'email' | 'name'>): Promise<Operator> {
    return this.operators.save(this.operators.create({ ...fields, passwordHash: null, passwordChangedAt: null }));
  }

  listOperators(): Promise<Operator[]> {
    return this.operators.find({ order: { id: 'ASC' } });
  }

  findOperator(id: number): Promise<Operator | null> {
    return this.operators.findOneBy({ id });
  }

  async deleteOperator(id: number): Promise<boolean> {
    return Boolean((await this.operators.delete({ id })).affected);
  }

  findUser(tenantId: TenantId, userId: number): Promise<User | null> {
    return this.users.findOneBy({ tenantId, id: userId });
  }
}

function userAccount(row: UserRow): Account {
  return {
    ref: { kind: 'user', id: Number(row.id) },
    email: row.sign_in_email,
    name: row.name,
    passwordHash: row.password_hash,
    totpEnabled: row.totp_enabled_at !== null,
    tenant: { id: asTenantId(Number(row.tenant_id)), role: row.role, status: row.tenant_status, requireTwoFactor: Boolean(Number(row.require_two_factor)) },
  };
}

function operatorAccount(operator: Operator): Account {
  return { ref: { kind: 'operator', id: operator.id }, email: operator.email, name: operator.name, passwordHash: operator.passwordHash, totpEnabled: operator.totpEnabledAt !== null, tenant: null };
}
