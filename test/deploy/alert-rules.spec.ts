import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/stack';
import { deployDir, loadRules, readYaml, rulesFile, rulesTestFile, runOk, tool } from './deploy-support';

interface RuleTestFile {
  rule_files: string[];
  tests: { name: string; alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}

const alerts = () => loadRules().flatMap((group) => group.rules.filter((rule) => rule.alert));

describe('Prometheus alert rules', () => {
  it('covers the alerts the issue asks for', () => {
    const names = alerts().map((rule) => rule.alert);
    for (const name of [
      'GatewayDeliverySuccessRateLow',
      'GatewayConsumerLagGrowing',
      'GatewayDeadLettersRising',
      'GatewayServiceDown',
    ]) {
      assert.ok(names.includes(name), `alert ${name}`);
    }
  });

  it('passes promtool check rules', () => {
    const output = runOk([...tool('promtool'), 'check', 'rules', rulesFile]);
    assert.match(output, new RegExp(`SUCCESS: ${alerts().length} rules found`));
  });

  it('passes its promtool unit tests', () => {
    const output = runOk([...tool('promtool'), 'test', 'rules', rulesTestFile], {
      cwd: path.dirname(rulesTestFile),
    });
    assert.match(output, /SUCCESS/);
  });

  it('has a unit test where each alert fires and one where it stays quiet', () => {
    const tests = readYaml<RuleTestFile>(rulesTestFile);
    assert.deepEqual(
      tests.rule_files.map((file) => path.resolve(path.dirname(rulesTestFile), file)),
      [rulesFile],
    );
    const cases = tests.tests.flatMap((test) => test.alert_rule_test ?? []);
    for (const rule of alerts()) {
      const own = cases.filter((test) => test.alertname === rule.alert);
      assert.ok(
        own.some((test) => test.exp_alerts.length > 0),
        `${rule.alert}: a case where it fires`,
      );
      assert.ok(
        own.some((test) => test.exp_alerts.length === 0),
        `${rule.alert}: a case where it stays quiet`,
      );
    }
  });

  it('gives each alert a severity, a summary and a runbook that exists and names it', () => {
    for (const rule of alerts()) {
      assert.match(rule.labels?.severity ?? '', /^(critical|warning|info)$/, `${rule.alert} severity`);
      assert.ok(rule.annotations?.summary, `${rule.alert} summary`);
      const runbook = rule.annotations?.runbook_url ?? '';
      assert.match(runbook, /^docs\/runbooks\/[a-z0-9-]+\.md$/, `${rule.alert} runbook_url`);
      const file = path.join(repoRoot, runbook);
      assert.ok(existsSync(file), `${runbook} exists`);
      assert.match(
        readFileSync(file, 'utf8'),
        new RegExp(`^# ${rule.alert}\\n`),
        `${runbook} is the runbook of ${rule.alert}`,
      );
      assert.match(
        readFileSync(path.join(repoRoot, 'docs', 'runbooks', 'README.md'), 'utf8'),
        new RegExp(`\`${rule.alert}\``),
        `runbook index lists ${rule.alert}`,
      );
    }
  });

  it("the compose stack's Prometheus configuration passes promtool check config", () => {
    const output = runOk([
      ...tool('promtool'),
      'check',
      'config',
      path.join(deployDir, 'prometheus', 'prometheus.yml'),
    ]);
    assert.match(output, /is valid prometheus config file syntax/);
  });
});
