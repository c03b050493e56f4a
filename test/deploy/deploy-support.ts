import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../support/stack';

/** The deployment tools test/deploy runs; scripts/infra/tools.sh installs every one of them. */
export type Tool = 'helm' | 'promtool' | 'compose' | 'kubernetes-validate';

const installHint =
  'run `bash scripts/infra/tools.sh` (installs helm, promtool, docker-compose and kubernetes-validate)';

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(
  command: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): RunResult {
  const [file, ...args] = command;
  const result = spawnSync(file, args, {
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${command.join(' ')}: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command and fails with its output unless it exits 0. */
export function runOk(
  command: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): string {
  const result = run(command, options);
  if (result.status !== 0) {
    throw new Error(`\`${command.join(' ')}\` exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

const resolved = new Map<Tool, string[]>();

/** The command line of a tool; throws a message naming the install script when it is missing. */
export function tool(name: Tool): string[] {
  const cached = resolved.get(name);
  if (cached) return cached;
  let command: string[] | undefined;
  switch (name) {
    case 'helm': {
      const local = path.join(repoRoot, '.local', 'bin', 'helm');
      const found = executable(local) ? local : onPath('helm');
      command = found ? [found] : undefined;
      break;
    }
    case 'promtool': {
      const found = onPath('promtool');
      command = found ? [found] : undefined;
      break;
    }
    case 'kubernetes-validate': {
      const local = path.join(repoRoot, '.local', 'py', 'bin', 'kubernetes-validate');
      const found = executable(local) ? local : onPath('kubernetes-validate');
      command = found ? [found] : undefined;
      break;
    }
    case 'compose': {
      // The Compose v2 plugin when the Docker CLI has it, else the standalone docker-compose.
      const docker = onPath('docker');
      if (docker && run([docker, 'compose', 'version']).status === 0) command = [docker, 'compose'];
      else {
        const standalone = onPath('docker-compose');
        command = standalone ? [standalone] : undefined;
      }
      break;
    }
  }
  if (!command) throw new Error(`${name} is missing: ${installHint}`);
  resolved.set(name, command);
  return command;
}

export const deployDir = path.join(repoRoot, 'deploy');
export const chartDir = path.join(deployDir, 'helm');

/** A Kubernetes object as rendered (only the fields the tests read are typed). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export function parseYamlDocuments<T = unknown>(text: string, source: string): T[] {
  const documents = parseAllDocuments(text);
  const out: T[] = [];
  for (const document of documents) {
    if (document.errors.length > 0)
      throw new Error(`${source}: ${document.errors.map((error) => error.message).join('; ')}`);
    const value = document.toJS() as T | null;
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export function readYaml<T = unknown>(file: string): T {
  const [value] = parseYamlDocuments<T>(readFileSync(file, 'utf8'), file);
  if (value === undefined) throw new Error(`${file} is empty`);
  return value;
}

/** `helm template` of the chart with the given extra arguments, parsed into objects. */
export function helmTemplate(args: string[] = [], release = 'gw'): K8sObject[] {
  const output = runOk([...tool('helm'), 'template', release, chartDir, '--namespace', 'webhooks', ...args]);
  return parseYamlDocuments<K8sObject>(output, 'helm template');
}

/** The Kafka security and topic settings of issue 18, as the chart renders them. */
export const kafkaSecurityEnv = [
  'KAFKA_SSL',
  'KAFKA_SSL_CA_FILE',
  'KAFKA_SSL_CERT_FILE',
  'KAFKA_SSL_KEY_FILE',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'KAFKA_REPLICATION_FACTOR',
  'KAFKA_MIN_INSYNC_REPLICAS',
  'KAFKA_TOPIC_CHECK',
];

/** PEM-shaped text for the chart's inline TLS values (the chart stores it, it does not parse it). */
const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;

/** Kafka over mutual TLS and SCRAM with every secret inline: the chart creates the Secrets. */
export const kafkaInlineValues = {
  ssl: {
    enabled: true,
    ca: pem('CERTIFICATE', 'a2Fma2EtY2E='),
    cert: pem('CERTIFICATE', 'Z2F0ZXdheS1jbGllbnQ='),
    key: pem('PRIVATE KEY', 'Z2F0ZXdheS1rZXk='),
  },
  sasl: { mechanism: 'scram-sha-256', username: 'gateway', password: 'inline-kafka-password-7f3a' },
  replicationFactor: 3,
  minInsyncReplicas: 2,
  topicCheck: 'warn',
};

/**
 * Kafka over mutual TLS and SCRAM from existing Secrets: a cert-manager Certificate's Secret (ca.crt,
 * tls.crt, tls.key) and a user Secret that holds only the password, the username given as a value.
 */
export const kafkaExistingValues = {
  ssl: { enabled: true, existingSecret: 'kafka-client-tls', mutualTls: true },
  sasl: {
    mechanism: 'scram-sha-512',
    existingSecret: 'kafka-user',
    passwordKey: 'user-password',
    username: 'gateway',
  },
};

export const valueSets: Record<string, string[]> = {
  default: [],
  production: ['-f', path.join(chartDir, 'values-production.yaml')],
  'plain manifests': ['-f', path.join(deployDir, 'kubernetes', 'values.yaml')],
  'Kafka chart Secrets': ['--set-json', `kafka=${JSON.stringify(kafkaInlineValues)}`],
  'Kafka existing Secrets': ['--set-json', `kafka=${JSON.stringify(kafkaExistingValues)}`],
};

/** The value sets whose DATABASE_URL and ADMIN_TOKEN come from the existing Secret webhook-gateway-secrets. */
export const existingDatabaseSecretSets = new Set(['production', 'plain manifests']);

export function byKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((object) => object.kind === kind);
}

export function findObject(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found)
    throw new Error(
      `no ${kind} ${name}; rendered: ${objects.map((object) => `${object.kind}/${object.metadata.name}`).join(', ')}`,
    );
  return found;
}

/** The container and pod fields the tests read. */
export interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface PodSpec {
  containers: Container[];
  serviceAccountName?: string;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; fsGroup?: number };
  terminationGracePeriodSeconds?: number;
  volumes?: {
    name: string;
    emptyDir?: object;
    secret?: { secretName: string; defaultMode?: number; items?: { key: string; path: string }[] };
  }[];
}

/** A Deployment or a Job. */
export interface Workload extends K8sObject {
  spec: {
    replicas?: number;
    selector?: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: PodSpec;
    };
  };
}

export const podOf = (object: K8sObject) => (object as Workload).spec.template.spec;
export const containerOf = (object: K8sObject) => podOf(object).containers[0];
export const envOf = (container: Container, name: string) =>
  container.env?.find((entry) => entry.name === name);

/** The alert rules file and the dashboards, as the repository holds them. */
export const rulesFile = path.join(deployDir, 'prometheus', 'rules', 'gateway-alerts.yml');
export const rulesTestFile = path.join(deployDir, 'prometheus', 'tests', 'gateway-alerts.test.yml');
export const dashboardsDir = path.join(deployDir, 'grafana', 'dashboards');
export const dashboardFiles = ['gateway-overview.json', 'gateway-endpoints.json', 'gateway-ingress.json'];

export interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

export function loadRules(file = rulesFile): RuleGroup[] {
  return readYaml<{ groups: RuleGroup[] }>(file).groups;
}

export interface DashboardTarget {
  expr: string;
  refId: string;
  datasource?: { type: string; uid: string };
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  targets?: DashboardTarget[];
  panels?: DashboardPanel[];
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: {
    list: { name: string; type: string; query?: string | { query: string }; definition?: string }[];
  };
}

export function loadDashboard(file: string): Dashboard {
  return JSON.parse(readFileSync(path.join(dashboardsDir, file), 'utf8')) as Dashboard;
}

/** Every panel, including those inside collapsed rows, rows themselves left out. */
export function dataPanels(dashboard: Dashboard): DashboardPanel[] {
  const out: DashboardPanel[] = [];
  const visit = (panels: DashboardPanel[]) => {
    for (const panel of panels) {
      if (panel.type === 'row') visit(panel.panels ?? []);
      else out.push(panel);
    }
  };
  visit(dashboard.panels);
  return out;
}
