import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/stack';
import {
  chartDir,
  dashboardFiles,
  dashboardsDir,
  dataPanels,
  deployDir,
  loadDashboard,
  loadRules,
  readYaml,
  rulesFile,
  type DashboardPanel,
} from './deploy-support';

interface GridPanel extends DashboardPanel {
  gridPos: { x: number; y: number; w: number; h: number };
}

function readmeDeployingSection(): string {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Deploying\n');
  assert.ok(start >= 0, 'README.md has a "## Deploying" section');
  const next = readme.indexOf('\n## ', start + 1);
  return next < 0 ? readme.slice(start) : readme.slice(start, next);
}

describe('Grafana dashboards', () => {
  it('are the three dashboards of the issue, each with a unique uid, in the folder and nowhere else', () => {
    assert.deepEqual(readdirSync(dashboardsDir).sort(), [...dashboardFiles].sort());
    const uids = dashboardFiles.map((file) => loadDashboard(file).uid);
    assert.deepEqual(uids, ['gateway-overview', 'gateway-endpoints', 'gateway-ingress']);
  });

  for (const file of dashboardFiles) {
    it(`${file}: every query goes to the data-source variable; panels are described and do not overlap`, () => {
      const dashboard = loadDashboard(file);
      const datasource = dashboard.templating.list.find((variable) => variable.type === 'datasource');
      assert.equal(datasource?.name, 'datasource');
      assert.equal(datasource?.query, 'prometheus');
      const panels = dataPanels(dashboard) as GridPanel[];
      const ids = dashboard.panels.map((panel) => panel.id);
      assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
      for (const panel of panels) {
        assert.ok(panel.description && panel.description.length > 20, `"${panel.title}" has a description`);
        assert.ok(panel.targets && panel.targets.length > 0, `"${panel.title}" has a query`);
        assert.equal(panel.datasource?.uid, '${datasource}', `"${panel.title}" data source`);
        for (const target of panel.targets)
          assert.equal(
            target.datasource?.uid,
            '${datasource}',
            `"${panel.title}" ${target.refId} data source`,
          );
      }
      const cells = new Map<string, string>();
      for (const panel of dashboard.panels as GridPanel[]) {
        const { x, y, w, h } = panel.gridPos;
        assert.ok(x >= 0 && w > 0 && x + w <= 24, `"${panel.title}" fits in 24 columns`);
        for (let row = y; row < y + h; row++) {
          for (let column = x; column < x + w; column++) {
            const key = `${row}:${column}`;
            assert.ok(!cells.has(key), `"${panel.title}" overlaps "${cells.get(key)}"`);
            cells.set(key, panel.title);
          }
        }
      }
    });
  }

  it('README lists every panel of every dashboard with exactly what it shows', () => {
    const section = readmeDeployingSection();
    for (const file of dashboardFiles) {
      const dashboard = loadDashboard(file);
      assert.ok(
        section.includes(`${dashboard.title} (\`${file}\`)`),
        `README names ${dashboard.title} (${file})`,
      );
      for (const panel of dataPanels(dashboard)) {
        assert.ok(
          section.includes(`| ${panel.title} | ${panel.description} |`),
          `README row for "${panel.title}" of ${file}:\n| ${panel.title} | ${panel.description} |`,
        );
      }
    }
  });

  it('the chart carries the same dashboards and alert rules (deploy/render.sh keeps the copies)', () => {
    for (const file of dashboardFiles) {
      const copy = JSON.parse(readFileSync(path.join(chartDir, 'files', 'grafana', file), 'utf8')) as unknown;
      assert.deepEqual(
        copy,
        loadDashboard(file),
        `deploy/helm/files/grafana/${file} is up to date: run deploy/render.sh`,
      );
    }
    assert.deepEqual(readdirSync(path.join(chartDir, 'files', 'grafana')).sort(), [...dashboardFiles].sort());
    assert.deepEqual(
      loadRules(path.join(chartDir, 'files', 'prometheus', path.basename(rulesFile))),
      loadRules(),
      'chart rules are up to date: run deploy/render.sh',
    );
  });

  it('the provisioning file points Grafana at the folder compose mounts the dashboards into', () => {
    const provisioning = readYaml<{ providers: { options: { path: string } }[] }>(
      path.join(deployDir, 'grafana', 'provisioning', 'dashboards', 'webhook-gateway.yaml'),
    );
    const compose = readYaml<{ services: Record<string, { volumes?: string[] }> }>(
      path.join(repoRoot, 'compose.yaml'),
    );
    const mounts = compose.services.grafana?.volumes ?? [];
    assert.ok(
      mounts.includes(`./deploy/grafana/dashboards:${provisioning.providers[0].options.path}:ro`),
      mounts.join(', '),
    );
  });
});
