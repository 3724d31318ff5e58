import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { RemoteImageSender } from './remote-image-sender.entity';
import { senderKey } from './remote-image-policy';
import { RemoteImageSendersRepository } from './remote-image-senders.repository';

function toSenderView(s: RemoteImageSender) {
  return { address: s.address, created_at: s.createdAt };
}

/** "Always load images from this sender", shared by the tenant's agents. */
@Injectable()
export class RemoteImageSendersService {
  constructor(private readonly senders: RemoteImageSendersRepository) {}

  async list(tenantId: TenantId) {
    return { data: (await this.senders.list(tenantId)).map(toSenderView) };
  }

  async add(tenantId: TenantId, address: string) {
    return toSenderView(await this.senders.add(tenantId, this.key(address)));
  }

  async remove(tenantId: TenantId, address: string): Promise<void> {
    if (!(await this.senders.remove(tenantId, this.key(address)))) throw DomainError.notFound('Sender');
  }

  private key(address: string): string {
    const key = senderKey(address);
    if (!key) throw new DomainError('bad_request', 'address must be an e-mail address');
    return key;
  }
}
