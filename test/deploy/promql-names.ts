import { parser } from '@prometheus-io/lezer-promql';
import { metricsRegistry } from '@gateway/observability';

/** Series Prometheus itself adds to every scrape target; the only non-gateway names allowed. */
export const scrapeSeries = new Set(['up']);

/** Labels Prometheus attaches to every scraped series (from the chart's ServiceMonitor and the compose scrape config). */
export const targetLabels = new Set([
  'job',
  'instance',
  'namespace',
  'component',
  'pod',
  'service',
  'container',
  'endpoint',
]);

export interface ExportedMetric {
  name: string;
  labels: Set<string>;
}

/** Every series name the services export, read from the live registry (histograms with their _bucket, _sum, _count). */
export async function exportedMetrics(): Promise<Map<string, ExportedMetric>> {
  const out = new Map<string, ExportedMetric>();
  const scraped = await metricsRegistry.getMetricsAsJSON();
  const types = new Map(scraped.map((metric) => [metric.name, String(metric.type)]));
  for (const metric of metricsRegistry.getMetricsAsArray()) {
    const name = metric.name;
    const labels = new Set<string>((metric as unknown as { labelNames?: string[] }).labelNames ?? []);
    const type = types.get(name);
    if (type === 'histogram') {
      out.set(`${name}_bucket`, { name: `${name}_bucket`, labels: new Set([...labels, 'le']) });
      out.set(`${name}_sum`, { name: `${name}_sum`, labels });
      out.set(`${name}_count`, { name: `${name}_count`, labels });
    } else if (type === 'summary') {
      out.set(name, { name, labels: new Set([...labels, 'quantile']) });
      out.set(`${name}_sum`, { name: `${name}_sum`, labels });
      out.set(`${name}_count`, { name: `${name}_count`, labels });
    } else {
      out.set(name, { name, labels });
    }
  }
  return out;
}

/** Grafana's interval variables become durations so that the query parses as plain PromQL. */
export function grafanaToPromql(expr: string): string {
  return expr
    .replace(/\$\{?__rate_interval\}?/g, '5m')
    .replace(/\$\{?__interval\}?/g, '1m')
    .replace(/\$\{?__range\}?/g, '1h');
}

export interface Selector {
  metric: string | null;
  labels: string[];
  text: string;
}

export interface ParsedQuery {
  selectors: Selector[];
  errors: string[];
}

/** Parses one PromQL expression with Prometheus' own grammar (lezer-promql) and lists its selectors. */
export function parsePromql(expr: string): ParsedQuery {
  const tree = parser.parse(expr);
  const selectors: Selector[] = [];
  const errors: string[] = [];
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) {
      errors.push(
        `syntax error at ${cursor.from}: ...${expr.slice(Math.max(0, cursor.from - 20), cursor.from + 20)}...`,
      );
    }
    if (cursor.name === 'VectorSelector') {
      const node = cursor.node;
      const identifier = node.getChild('Identifier');
      const labels: string[] = [];
      const matchers = node.getChild('LabelMatchers');
      if (matchers) {
        const inner = matchers.cursor();
        do {
          if (inner.name === 'LabelName') labels.push(expr.slice(inner.from, inner.to));
        } while (inner.next() && inner.from < matchers.to);
      }
      selectors.push({
        metric: identifier ? expr.slice(identifier.from, identifier.to) : null,
        labels,
        text: expr.slice(node.from, node.to),
      });
    }
  } while (cursor.next());
  return { selectors, errors };
}

/** Problems of one expression: syntax errors, selectors without a metric name, unknown metrics or labels. */
export function checkExpression(expr: string, exported: Map<string, ExportedMetric>): string[] {
  const { selectors, errors } = parsePromql(grafanaToPromql(expr));
  const problems = [...errors];
  if (selectors.length === 0 && errors.length === 0) problems.push('names no metric');
  for (const selector of selectors) {
    if (!selector.metric) {
      problems.push(`selector ${selector.text} does not name its metric`);
      continue;
    }
    const metric = exported.get(selector.metric);
    if (!metric && !scrapeSeries.has(selector.metric)) {
      problems.push(`unknown metric ${selector.metric}`);
      continue;
    }
    for (const label of selector.labels) {
      if (label === '__name__' || targetLabels.has(label) || metric?.labels.has(label)) continue;
      problems.push(`${selector.metric} has no label ${label}`);
    }
  }
  return problems;
}

/** The PromQL inside a Grafana variable query such as `label_values(metric{...}, label)`. */
export function variableQueryPromql(query: string): string | null {
  const match = /^\s*label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$/.exec(query);
  if (match) return match[1];
  const values = /^\s*query_result\((.*)\)\s*$/.exec(query);
  return values ? values[1] : null;
}
