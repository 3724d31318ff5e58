import { INestApplication } from '@nestjs/common';
import { IngestService } from '../src/inbound/ingest.service';
import { TenantsService } from '../src/tenants/tenants.service';
import { CpuClock, measured, Rate } from './measure';
import { benchMessage } from './messages';

/** `count` new messages to a new tenant through the ingest pipeline, `inFlight` at a time: messages per second. */
export async function pipelineRate(app: INestApplication, label: string, inFlight: number, count: number, serverCpu?: CpuClock): Promise<Rate> {
  const tenant = await app.get(TenantsService).create({ name: `Bench ${label} ${Date.now()}`, tier: 'enterprise' });
  const messages = Array.from({ length: count }, (_, i) => benchMessage(i, tenant.inbound_email_address!));
  const ingest = app.get(IngestService);
  let next = 0;
  const worker = async () => {
    while (next < messages.length) {
      const report = await ingest.ingest(messages[next++], { source: 'webhook', ref: 'bench' });
      if (!['created', 'appended'].includes(report.results[0].outcome)) throw new Error(`unexpected outcome ${report.results[0].outcome}`);
    }
  };
  return measured(count, () => Promise.all(Array.from({ length: inFlight }, worker)).then(() => undefined), serverCpu);
}
