import { simpleParser } from 'mailparser';

export interface Rate {
  perSecond: number;
  /** CPU time of this process (all its threads) per message. */
  cpuMsPerMessage: number;
}

export async function measured(count: number, work: () => Promise<void>): Promise<Rate> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: count / seconds, cpuMsPerMessage: (used.user + used.system) / 1000 / count };
}

/** The limit the pipeline is measured against: mailparser alone, one message after another. */
export function bareParseRate(messages: Buffer[]): Promise<Rate> {
  return measured(messages.length, async () => {
    for (const m of messages) await simpleParser(m);
  });
}
