import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { dashboardFiles, dataPanels, loadDashboard, loadRules, runOk, tool } from './deploy-support';
import {
  checkExpression,
  exportedMetrics,
  grafanaToPromql,
  variableQueryPromql,
  type ExportedMetric,
} from './promql-names';

interface Query {
  where: string;
  expr: string;
}

function dashboardQueries(): Query[] {
  const out: Query[] = [];
  for (const file of dashboardFiles) {
    const dashboard = loadDashboard(file);
    for (const panel of dataPanels(dashboard)) {
      for (const target of panel.targets ?? [])
        out.push({ where: `${file} "${panel.title}" ${target.refId}`, expr: target.expr });
    }
    for (const variable of dashboard.templating.list) {
      if (variable.type !== 'query') continue;
      const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
      const promql = variableQueryPromql(query);
      assert.ok(promql, `${file} variable ${variable.name}: unrecognised query ${query}`);
      out.push({ where: `${file} variable $${variable.name}`, expr: promql });
    }
  }
  return out;
}

function ruleQueries(): Query[] {
  return loadRules().flatMap((group) =>
    group.rules.map((rule) => ({ where: `rule ${rule.alert ?? rule.record}`, expr: rule.expr })),
  );
}

describe('every PromQL expression names only metrics the services export', () => {
  let exported: Map<string, ExportedMetric>;

  before(async () => {
    exported = await exportedMetrics();
  });

  it('reads the live registry (the check has something to check against)', () => {
    for (const name of [
      'gateway_deliveries_total',
      'gateway_end_to_end_latency_seconds_bucket',
      'gateway_process_cpu_user_seconds_total',
    ]) {
      assert.ok(exported.has(name), `registry exports ${name}`);
    }
  });

  it('rejects an unknown metric, an unknown label, a nameless selector and broken syntax', () => {
    assert.deepEqual(checkExpression('rate(gateway_no_such_metric_total[5m])', exported), [
      'unknown metric gateway_no_such_metric_total',
    ]);
    assert.deepEqual(checkExpression('sum(rate(gateway_deliveries_total{endpoint_id="x"}[5m]))', exported), [
      'gateway_deliveries_total has no label endpoint_id',
    ]);
    assert.match(checkExpression('{__name__=~"gateway_.*"}', exported).join(), /does not name its metric/);
    assert.match(checkExpression('sum(rate(gateway_deliveries_total[5m])', exported).join(), /syntax error/);
    assert.deepEqual(
      checkExpression(
        'sum by (outcome) (rate(gateway_deliveries_total{job=~"$job", outcome="delivered"}[$__rate_interval]))',
        exported,
      ),
      [],
    );
  });

  it('dashboards: every panel query and variable query', () => {
    const queries = dashboardQueries();
    assert.ok(queries.length >= 30, `found ${queries.length} dashboard queries`);
    const problems = queries.flatMap((query) =>
      checkExpression(query.expr, exported).map((problem) => `${query.where}: ${problem}\n    ${query.expr}`),
    );
    assert.deepEqual(problems, []);
  });

  it('alert rules: every expression', () => {
    const queries = ruleQueries();
    assert.ok(queries.length >= 4);
    const problems = queries.flatMap((query) =>
      checkExpression(query.expr, exported).map((problem) => `${query.where}: ${problem}`),
    );
    assert.deepEqual(problems, []);
  });

  it("dashboards: every panel query also passes Prometheus' own parser (promtool check rules)", () => {
    const promtool = tool('promtool');
    const dir = mkdtempSync(path.join(tmpdir(), 'gateway-promql-'));
    try {
      const rules = dashboardQueries().map((query, index) => ({
        record: `dashboard_query_${index}`,
        expr: grafanaToPromql(query.expr),
      }));
      const file = path.join(dir, 'dashboard-queries.yml');
      writeFileSync(file, stringify({ groups: [{ name: 'dashboard-queries', rules }] }));
      const output = runOk([...promtool, 'check', 'rules', file]);
      assert.match(output, new RegExp(`SUCCESS: ${rules.length} rules found`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
