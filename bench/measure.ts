import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';

export interface Rate {
  perSecond: number;
  /** CPU time of this process (all its threads) per message. */
  cpuMsPerMessage: number;
  /** CPU time of the database server per message, when it runs on this machine. */
  serverCpuMsPerMessage: number | null;
}

/** Milliseconds of CPU another process on this machine has used so far. */
export type CpuClock = () => number;

export async function measured(count: number, work: () => Promise<void>, serverCpu?: CpuClock): Promise<Rate> {
  const server = serverCpu?.();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    perSecond: count / seconds,
    cpuMsPerMessage: (used.user + used.system) / 1000 / count,
    serverCpuMsPerMessage: serverCpu && server !== undefined ? (serverCpu() - server) / count : null,
  };
}

/** The CPU clock of a local process, from /proc (Linux); null where there is none to read. */
export function processCpuClock(pid: number): CpuClock | null {
  const statFile = `/proc/${pid}/stat`;
  const read = () => {
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks.
    const fields = readFileSync(statFile, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  };
  let ticksPerSecond = 100;
  try {
    ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
    read();
    return read;
  } catch {
    return null;
  }
}

/** The limit the pipeline is measured against: mailparser alone, one message after another. */
export function bareParseRate(messages: Buffer[]): Promise<Rate> {
  return measured(messages.length, async () => {
    for (const m of messages) await simpleParser(m);
  });
}
