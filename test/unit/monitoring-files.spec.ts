// The operator's view: Prometheus alert rules and the provisioned Grafana dashboard parse, ask
// only for series the service exports (src/health/metrics.catalogue.ts), and each alert's
// runbook is a section of the README.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { DECLARED_METRICS } from '../../src/health/metrics.catalogue';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Rule {
  alert: string;
  expr: string;
  annotations: { summary: string; runbook: string };
}

/** Every series name a query may use: ours (histograms with their _bucket, _sum and _count), and Prometheus's own `up`. */
const KNOWN = new Set([
  'up',
  ...DECLARED_METRICS.flatMap((m) => (m.type === 'histogram' ? [m.name, `${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name])),
]);

/** The series a PromQL expression reads: our inbound_* names, and `up` where it stands as a series. */
function seriesIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"[^"]*"/g, '""');
  const ours = withoutStrings.match(/\binbound_[a-z0-9_]+/g) ?? [];
  const up = /(^|[^a-z_])up\s*\{/.test(withoutStrings) ? ['up'] : [];
  return [...ours, ...up];
}

/** GitHub's anchor for a heading. */
const anchor = (heading: string) => heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');

const rules: Rule[] = parse(read('docker/prometheus/alerts.yml')).groups.flatMap((g: { rules: Rule[] }) => g.rules);
const dashboard = JSON.parse(read('docker/grafana/dashboards/inbound.json'));
const dashboardExprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr));

describe('Prometheus alert rules', () => {
  it('cover ingest failures, outbox backlog, IMAP lag, storage errors and limit hits', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['InboundIngestFailures', 'InboundOutboxBacklog', 'InboundImapLag', 'InboundStorageErrors', 'InboundLimitHits']),
    );
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it.each(rules.map((r) => [r.alert, r] as const))('%s reads only series the service exports', (_name, rule) => {
    const series = seriesIn(rule.expr);
    expect(series.length).toBeGreaterThan(0);
    expect(series.filter((s) => !KNOWN.has(s))).toEqual([]);
  });

  it.each(rules.map((r) => [r.alert, r] as const))('%s has a summary and a runbook section in the README', (_name, rule) => {
    expect(rule.annotations.summary).toBeTruthy();
    const [file, fragment] = rule.annotations.runbook.split('#');
    expect(file).toBe('README.md');
    const anchors = read('README.md').split('\n').filter((l) => /^#{2,6} /.test(l)).map((l) => anchor(l.replace(/^#+ /, '')));
    expect(anchors).toContain(fragment);
  });
});

describe('the Grafana dashboard', () => {
  it('is provisioned from the folder the compose file mounts, with the Prometheus data source', () => {
    const compose = parse(read('docker/docker-compose.yml'));
    const mounts: string[] = compose.services.grafana.volumes;
    const provider = parse(read('docker/grafana/provisioning/dashboards/inbound.yml')).providers[0];
    const dashboardsMount = mounts.find((m) => m.split(':')[1] === provider.options.path);
    expect(dashboardsMount).toBeDefined();
    expect(existsSync(join(resolve(ROOT, 'docker', dashboardsMount!.split(':')[0]), 'inbound.json'))).toBe(true);
    const datasource = parse(read('docker/grafana/provisioning/datasources/prometheus.yml')).datasources[0];
    expect(dashboard.panels.every((p: { datasource: { uid: string } }) => p.datasource.uid === datasource.uid)).toBe(true);
    const prometheusMounts: string[] = compose.services.prometheus.volumes;
    for (const file of ['prometheus.yml', 'alerts.yml']) expect(prometheusMounts).toContain(`./prometheus/${file}:/etc/prometheus/${file}:ro`);
  });

  it('has panels with unique ids that read only series the service exports', () => {
    expect(dashboard.uid).toBeTruthy();
    const ids = dashboard.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const unknown = dashboardExprs.flatMap(seriesIn).filter((s) => !KNOWN.has(s));
    expect(unknown).toEqual([]);
    expect(dashboardExprs.every((e) => seriesIn(e).length > 0)).toBe(true);
  });

  it('shows every series the service declares', () => {
    const shown = new Set(dashboardExprs.flatMap(seriesIn).map((s) => s.replace(/_(bucket|sum|count)$/, '')));
    expect(DECLARED_METRICS.map((m) => m.name).filter((name) => !shown.has(name))).toEqual([]);
  });
});
