import { Injectable } from '@nestjs/common';

type Labels = Record<string, string>;

interface Series {
  help: string;
  type: 'counter' | 'gauge';
  values: Map<string, { labels: Labels; value: number }>;
}

/** In-process counters and gauges, exposed in the Prometheus text format at /metrics. */
@Injectable()
export class MetricsRegistry {
  private readonly series = new Map<string, Series>();
  private readonly collectors: (() => Promise<void> | void)[] = [];

  increment(name: string, help: string, labels: Labels = {}, by = 1): void {
    const entry = this.entry(name, help, 'counter', labels);
    entry.value += by;
  }

  set(name: string, help: string, labels: Labels, value: number): void {
    this.entry(name, help, 'gauge', labels).value = value;
  }

  /** A collector refreshes gauges just before each scrape. */
  addCollector(collect: () => Promise<void> | void): void {
    this.collectors.push(collect);
  }

  async render(): Promise<string> {
    for (const collect of this.collectors) await collect();
    const lines: string[] = [];
    for (const [name, s] of this.series) {
      lines.push(`# HELP ${name} ${s.help}`, `# TYPE ${name} ${s.type}`);
      for (const { labels, value } of s.values.values()) lines.push(`${name}${formatLabels(labels)} ${value}`);
    }
    return lines.join('\n') + '\n';
  }

  private entry(name: string, help: string, type: Series['type'], labels: Labels) {
    let s = this.series.get(name);
    if (!s) {
      s = { help, type, values: new Map() };
      this.series.set(name, s);
    }
    const key = formatLabels(labels);
    let v = s.values.get(key);
    if (!v) {
      v = { labels, value: 0 };
      s.values.set(key, v);
    }
    return v;
  }
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}
