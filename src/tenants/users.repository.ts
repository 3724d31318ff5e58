import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { TenantId } from '../common/tenant-id';
import { TenantRole } from '../auth/principal';
import { User } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  insert(tenantId: TenantId, fields: { name: string; role: TenantRole; email: string | null; signInEmail: string | null }): Promise<User> {
    return this.users.save(this.users.create({ ...fields, tenantId }));
  }

  find(tenantId: TenantId, userId: number): Promise<User | null> {
    return this.users.findOneBy({ tenantId, id: userId });
  }

  list(tenantId: TenantId): Promise<User[]> {
    return this.users.find({ where: { tenantId }, order: { id: 'ASC' } });
  }

  count(tenantId: TenantId): Promise<number> {
    return this.users.countBy({ tenantId });
  }

  /** False when the tenant has no such user. */
  async delete(tenantId: TenantId, userId: number): Promise<boolean> {
    return Boolean((await this.users.delete({ tenantId, id: userId })).affected);
  }
}
