import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { isUniqueViolation } from '../database/database-errors';
import { TenantRole } from '../auth/principal';
import { TenantsRepository } from './tenants.repository';
import { limitOverrides } from './tenant.entity';
import { tierLimits, withinLimit } from './tiers';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';

interface UserView {
  id: number;
  tenant_id: number;
  name: string;
  email: string | null;
  role: TenantRole;
  /** password: signs in with one; invited: the invitation is not accepted yet; none: tokens only. */
  sign_in: 'password' | 'invited' | 'none';
  created_at: Date;
}

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tenants: TenantsRepository,
  ) {}

  async create(tenantId: TenantId, input: { name: string; role: TenantRole; email: string | null; signInEmail?: string }): Promise<User> {
    const tenant = await this.tenants.find(tenantId);
    if (!tenant) throw DomainError.notFound('Tenant');
    const limit = tierLimits(tenant.tier, limitOverrides(tenant)).max_users;
    const current = await this.users.count(tenantId);
    if (!withinLimit(current, limit)) {
      throw new DomainError('limit_exceeded', `The ${tenant.tier} tier allows ${limit} users; this tenant has ${current}`, {
        limit: 'max_users',
        max: limit,
        current,
      });
    }
    try {
      return await this.users.insert(tenantId, { name: input.name, role: input.role, email: input.email, signInEmail: input.signInEmail ?? null });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', 'An account with this e-mail address already exists');
      throw error;
    }
  }

  async get(tenantId: TenantId, userId: number): Promise<User> {
    const user = await this.users.find(tenantId, userId);
    if (!user) throw DomainError.notFound('User');
    return user;
  }

  async list(tenantId: TenantId): Promise<UserView[]> {
    return (await this.users.list(tenantId)).map(toUserView);
  }

  /** Where the platform's notices to a tenant go: the addresses of its admins. */
  async adminAddresses(tenantId: TenantId): Promise<string[]> {
    return (await this.users.list(tenantId)).filter((u) => u.role === 'tenant_admin' && u.email).map((u) => u.email!);
  }

  /** Deleting a user removes its tokens too (foreign key cascade). */
  async remove(tenantId: TenantId, userId: number): Promise<void> {
    if (!(await this.users.delete(tenantId, userId))) throw DomainError.notFound('User');
  }
}

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    tenant_id: user.tenantId,
    name: user.name,
    email: user.email,
    role: user.role,
    sign_in: user.passwordChangedAt ? 'password' : user.signInEmail ? 'invited' : 'none',
    created_at: user.createdAt,
  };
}
