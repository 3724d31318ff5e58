import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { Tenant } from './tenant.entity';
import { tierLimits, withinLimit } from './tiers';
import { TenantRole } from '../auth/principal';
import { User } from './user.entity';

export interface UserView {
  id: number;
  tenant_id: number;
  name: string;
  email: string | null;
  role: TenantRole;
  disabled_at: Date | null;
  created_at: Date;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Tenant) private readonly tenants: Repository<Tenant>,
  ) {}

  async create(tenantId: number, input: { name: string; role: TenantRole; email: string | null }): Promise<User> {
    const tenant = await this.tenants.findOneBy({ id: tenantId });
    if (!tenant) throw DomainError.notFound('Tenant');
    const limit = tierLimits(tenant.tier).max_users;
    const active = await this.countActive(tenantId);
    if (!withinLimit(active, limit)) {
      throw new DomainError('limit_exceeded', `The ${tenant.tier} tier allows ${limit} users; this tenant has ${active}`, {
        limit: 'max_users',
        max: limit,
        current: active,
      });
    }
    return this.users.save(this.users.create({ tenantId, name: input.name, role: input.role, email: input.email }));
  }

  async get(tenantId: number, userId: number): Promise<User> {
    const user = await this.users.findOneBy({ tenantId, id: userId });
    if (!user) throw DomainError.notFound('User');
    return user;
  }

  async list(tenantId: number): Promise<UserView[]> {
    return (await this.users.find({ where: { tenantId }, order: { id: 'ASC' } })).map(toUserView);
  }

  countActive(tenantId: number): Promise<number> {
    return this.users.countBy({ tenantId, disabledAt: IsNull() });
  }

  /** Deleting a user removes its tokens too (foreign key cascade). */
  async remove(tenantId: number, userId: number): Promise<void> {
    const result = await this.users.delete({ tenantId, id: userId });
    if (!result.affected) throw DomainError.notFound('User');
  }
}

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    tenant_id: user.tenantId,
    name: user.name,
    email: user.email,
    role: user.role,
    disabled_at: user.disabledAt,
    created_at: user.createdAt,
  };
}
