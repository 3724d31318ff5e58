import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Metric, Registry } from 'prom-client';
import { DECLARED_METRICS, DeclaredMetric } from './metrics.catalogue';

type Labels = Record<string, string>;

/**
 * prom-client behind the call shape the services already use (`increment`, `set`, collectors).
 * One registry per application, never prom-client's global one: several apps in one process
 * (tests, the bench) would otherwise register the same names twice.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly metrics = new Map<string, Metric>();
  /** A histogram's `_sum` name: callers that add to the sum observe the histogram. */
  private readonly histogramBySum = new Map<string, Histogram>();
  private readonly collectors: (() => Promise<void> | void)[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const declared of DECLARED_METRICS) this.declare(declared);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  increment(name: string, help: string, labels: Labels = {}, by = 1): void {
    const histogram = this.histogramBySum.get(name);
    if (histogram) return histogram.observe(labels, by);
    this.counter(name, help, labels).inc(labels, by);
  }

  set(name: string, help: string, labels: Labels, value: number): void {
    this.gauge(name, help, labels).set(labels, value);
  }

  /** Drops a gauge's value, for when it is unknown: no series rather than a misleading 0. */
  unset(name: string, labels: Labels = {}): void {
    const metric = this.metrics.get(name);
    if (metric instanceof Gauge) metric.remove(labels);
  }

  observe(name: string, help: string, labels: Labels, value: number): void {
    const metric = this.metrics.get(name) ?? this.declare({ name, help, type: 'histogram', labelNames: Object.keys(labels) });
    if (!(metric instanceof Histogram)) throw new Error(`${name} is not a histogram`);
    metric.observe(labels, value);
  }

  /** A collector refreshes gauges just before each scrape. */
  addCollector(collect: () => Promise<void> | void): void {
    this.collectors.push(collect);
  }

  async render(): Promise<string> {
    for (const collect of this.collectors) await collect();
    return this.registry.metrics();
  }

  private counter(name: string, help: string, labels: Labels): Counter {
    const metric = this.metrics.get(name) ?? this.declare({ name, help, type: 'counter', labelNames: Object.keys(labels) });
    if (!(metric instanceof Counter)) throw new Error(`${name} is not a counter`);
    return metric;
  }

  private gauge(name: string, help: string, labels: Labels): Gauge {
    const metric = this.metrics.get(name) ?? this.declare({ name, help, type: 'gauge', labelNames: Object.keys(labels) });
    if (!(metric instanceof Gauge)) throw new Error(`${name} is not a gauge`);
    return metric;
  }

  private declare(declared: DeclaredMetric): Metric {
    const options = { name: declared.name, help: declared.help, labelNames: [...declared.labelNames], registers: [this.registry] };
    let metric: Metric;
    if (declared.type === 'counter') metric = new Counter(options);
    else if (declared.type === 'gauge') metric = new Gauge(options);
    else {
      const histogram = new Histogram({ ...options, buckets: declared.buckets ? [...declared.buckets] : undefined });
      this.histogramBySum.set(`${declared.name}_sum`, histogram);
      metric = histogram;
    }
    this.metrics.set(declared.name, metric);
    return metric;
  }
}
