import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServiceName } from '@gateway/config';
import { freshTopics, startServices } from '../support/gateway';
import type { RunningService } from '../support/services';
import { findObject, helmTemplate, type K8sObject } from './deploy-support';

interface HttpProbe {
  httpGet: { path: string; port: string };
}

interface ProbedContainer {
  livenessProbe: HttpProbe;
  readinessProbe: HttpProbe;
  startupProbe: HttpProbe;
}

const names: ServiceName[] = ['api', 'ingress', 'router', 'dispatcher', 'scheduler'];

/**
 * The chart's probes and the ServiceMonitor's path, asked of the real service processes: every one
 * must answer 200 once the service is ready (the ports themselves are checked against the
 * application's defaults in helm-chart.spec.ts).
 */
describe('the rendered probe and scrape paths answer on the real services', () => {
  let services: Record<string, RunningService> = {};
  let objects: K8sObject[];

  before(async () => {
    objects = helmTemplate(['-f', 'deploy/helm/values-production.yaml']);
    const { prefix } = await freshTopics();
    services = await startServices(names, {
      KAFKA_TOPIC_PREFIX: prefix,
      ADMIN_TOKEN: 'deploy-test-admin-token',
      DELIVERY_ALLOWLIST: '127.0.0.0/8',
    });
  });

  after(async () => {
    await Promise.all(Object.values(services).map((service) => service.stop()));
  });

  for (const name of names) {
    it(`${name}: startup, liveness, readiness and /metrics`, async () => {
      const deployment = findObject(objects, 'Deployment', `gw-webhook-gateway-${name}`) as K8sObject & {
        spec: { template: { spec: { containers: ProbedContainer[] } } };
      };
      const container = deployment.spec.template.spec.containers[0];
      const monitor = findObject(objects, 'ServiceMonitor', 'gw-webhook-gateway') as K8sObject & {
        spec: { endpoints: { path: string }[] };
      };
      const paths = [container.startupProbe, container.livenessProbe, container.readinessProbe].map(
        (probe) => probe.httpGet.path,
      );
      paths.push(monitor.spec.endpoints[0].path);
      for (const path of paths) {
        const response = await fetch(`${services[name].url}${path}`);
        assert.equal(response.status, 200, `${name} GET ${path}`);
        await response.arrayBuffer();
      }
    });
  }
});
