import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { CreatedEndpointView, EndpointView, Page, SourceView } from '@gateway/control';
import { createDataSource, type DataSource } from '@gateway/persistence';
import { generateEd25519KeyPair, generateSecret, verifyPayload } from '@gateway/signing';
import { freshDatabase, freshTopics, logDir, startServices } from '../support/gateway';
import { post, standardWebhooksHeaders } from '../support/ingress';
import { Receiver, type ReceivedRequest } from '../support/receiver';
import { spawnService, type RunningService, type ServiceName } from '../support/services';
import { repoRoot } from '../support/stack';
import { waitFor } from '../support/wait-for';
import { controlClient, type ApiCall } from './control-client';

const run = promisify(execFile);
const token = `admin-${randomUUID()}`;
const newKey = (id: string) => ({ id, material: randomBytes(32).toString('base64') });
const keyList = (...keys: { id: string; material: string }[]) =>
  keys.map((key) => `${key.id}:${key.material}`).join(',');

/**
 * Issue 21, capability 3 on the real stack: signing secrets (whsec and Ed25519), source secrets
 * and custom-header values are stored only encrypted; header values are write-only in the API; a
 * rotation to a new encryption key, the re-encrypt command and dropping the old key keep every
 * delivery verifiable and every inbound webhook verified.
 */
describe('secrets at rest', () => {
  const k1 = newKey('k1');
  const k2 = newKey('k2');
  const receiver = new Receiver();
  const headerValue = `Bearer receiver-credential-${randomUUID()}`;
  const whsec = generateSecret();
  const ed25519 = generateEd25519KeyPair();
  const sourceSecret = generateSecret();
  const saslPassword = `sasl-password-${randomUUID()}`;
  let databaseUrl: string;
  let db: DataSource;
  let env: Record<string, string>;
  let services: Record<string, RunningService> = {};
  let call: ApiCall;
  let endpointId: string;
  let sourceId: string;

  /** (Re)starts the services that hold keys, with this key list. */
  const startWithKeys = async (keys: string, names: ServiceName[]) => {
    await Promise.all(names.map((name) => services[name]?.stop()));
    // One at a time, so a service that fails to start leaves the others recorded (and stopped after).
    for (const name of names) {
      delete services[name];
      Object.assign(services, await startServices([name], { ...env, SECRETS_ENCRYPTION_KEYS: keys }));
    }
    call = controlClient(services.api.url, token);
  };

  /** Runs a command of tools/ (`reencrypt-secrets.js`, `migrate.js`) with this key list; its output. */
  const runTool = async (script: string, keys: string): Promise<string> => {
    const { stdout } = await run(
      process.execPath,
      ['-r', path.join(repoRoot, 'tools', 'register.js'), path.join(repoRoot, 'dist', 'tools', script)],
      { cwd: repoRoot, env: { ...process.env, DATABASE_URL: databaseUrl, SECRETS_ENCRYPTION_KEYS: keys } },
    );
    return stdout;
  };
  const reencrypt = (keys: string) => runTool('reencrypt-secrets.js', keys);

  /** Every column of every table, as text, that contains `needle`. */
  const columnsHolding = async (needle: string): Promise<string[]> => {
    const columns = await db.query<{ table: string; column: string }[]>(
      `SELECT c.table_name AS "table", c.column_name AS "column" FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
       WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'`,
    );
    assert.ok(columns.length > 20, 'the scan reads every table');
    const found: string[] = [];
    for (const { table, column } of columns) {
      const [{ count }] = await db.query<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM "${table}" WHERE strpos("${column}"::text, $1) > 0`,
        [needle],
      );
      if (count > 0) found.push(`${table}.${column}`);
    }
    return found;
  };

  /** The plaintexts that must never be stored: each secret's key material and the header value. */
  const plaintexts = () => [
    whsec.slice('whsec_'.length),
    ed25519.secretKey.slice('whsk_'.length),
    sourceSecret.slice('whsec_'.length),
    saslPassword,
    headerValue,
  ];

  const storedSecrets = async (): Promise<string[]> => {
    const keys = await db.query<{ value: string }[]>(`SELECT key AS value FROM endpoint_secrets`);
    const headers = await db.query<{ value: string }[]>(
      `SELECT h.value FROM endpoints, jsonb_each_text(headers) h`,
    );
    const sources = await db.query<{ value: string }[]>(
      `SELECT s.value FROM sources, jsonb_array_elements_text(secrets) s`,
    );
    const passwords = await db.query<{ value: string }[]>(
      `SELECT destination #>> '{sasl,password}' AS value FROM endpoints WHERE destination ? 'sasl'`,
    );
    return [...keys, ...headers, ...sources, ...passwords].map((row) => row.value);
  };

  /** Publishes an event and returns its delivery as the receiver got it. */
  const deliver = async (): Promise<ReceivedRequest> => {
    const marker = randomUUID();
    const published = await call<{ id: string }>('POST', '/v1/events', {
      type: 'secret.checked',
      data: { marker },
    });
    assert.equal(published.status, 202, JSON.stringify(published.body));
    return waitFor('the delivery', 30000, () =>
      receiver.requests.find((request) => request.body.includes(marker)),
    );
  };

  const verifiesWith = (secret: string, request: ReceivedRequest) =>
    verifyPayload({
      headers: request.headers,
      payload: request.body,
      secrets: [secret],
      toleranceSeconds: 300,
      now: Math.floor(Date.now() / 1000),
    }).ok;

  /** A delivery signed so that the receiver verifies it with the old whsec and the Ed25519 public key. */
  const assertDeliveryVerifies = async () => {
    const request = await deliver();
    assert.ok(verifiesWith(whsec, request), 'v1 (whsec) verifies');
    assert.ok(verifiesWith(ed25519.publicKey, request), 'v1a (Ed25519) verifies');
    assert.equal(request.headers['x-receiver-auth'], headerValue, 'the custom header arrives in plaintext');
  };

  const assertInboundVerifies = async () => {
    const body = `{"type":"inbound.checked","n":"${randomUUID()}"}`;
    const signed = await post(
      `${services.ingress.url}/in/${sourceId}`,
      standardWebhooksHeaders(sourceSecret, body),
      body,
    );
    assert.equal(signed.status, 200, signed.text);
    const forged = standardWebhooksHeaders(generateSecret(), body);
    assert.equal((await post(`${services.ingress.url}/in/${sourceId}`, forged, body)).status, 401);
  };

  before(async () => {
    await receiver.start();
    const { prefix } = await freshTopics(1);
    databaseUrl = await freshDatabase();
    db = createDataSource(databaseUrl, 1);
    await db.initialize();
    env = {
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: databaseUrl,
      ADMIN_TOKEN: token,
      DELIVERY_ALLOWLIST: '127.0.0.0/8',
    };
    services = await startServices(['router'], env);
    await startWithKeys(keyList(k1), ['api', 'dispatcher', 'ingress']);
  });

  after(async () => {
    await Promise.all(Object.values(services).map((service) => service.stop()));
    await db?.destroy();
    await receiver.stop();
  });

  it('stores no plaintext secret, header value or destination password in any column of any table', async () => {
    const created = await call<CreatedEndpointView>('POST', '/v1/endpoints', {
      url: receiver.url,
      secret: whsec,
      headers: { 'X-Receiver-Auth': headerValue },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    endpointId = created.body.id;
    // The Ed25519 key becomes the newest; the whsec keeps signing through the overlap.
    const rotated = await call('POST', `/v1/endpoints/${endpointId}/secret/rotate`, {
      key: ed25519.secretKey,
      overlapSeconds: 3600,
    });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    const source = await call<SourceView>('POST', '/v1/sources', {
      name: 'billing',
      provider: 'standard-webhooks',
      secrets: [sourceSecret],
    });
    assert.equal(source.status, 201, JSON.stringify(source.body));
    sourceId = source.body.id;
    // A Kafka destination on another cluster: its SASL password is a secret too (never routed to here).
    const kafka = await call('POST', '/v1/endpoints', {
      eventTypes: ['never.sent'],
      destination: {
        type: 'kafka',
        topic: 'elsewhere',
        brokers: ['kafka.example:9093'],
        ssl: true,
        sasl: { mechanism: 'scram-sha-512', username: 'gateway', password: saslPassword },
      },
    });
    assert.equal(kafka.status, 201, JSON.stringify(kafka.body));
    assert.ok(!JSON.stringify(kafka.body).includes(saslPassword));

    for (const plaintext of plaintexts()) assert.deepEqual(await columnsHolding(plaintext), [], plaintext);
    const stored = await storedSecrets();
    assert.equal(stored.length, 6);
    for (const value of stored) assert.match(value, /^enc:v1:k1:[A-Za-z0-9_-]+$/);
    // Callers above the repositories still see plaintext.
    const current = await call<{ key: string }>('GET', `/v1/endpoints/${endpointId}/secret`);
    assert.equal(current.body.key, ed25519.secretKey);
  });

  it('shows custom-header names with a mask, never their values, and says so in the OpenAPI document', async () => {
    const one = await call<EndpointView>('GET', `/v1/endpoints/${endpointId}`);
    assert.deepEqual(one.body.headers, { 'X-Receiver-Auth': '••••' });
    const list = await call<Page<EndpointView>>('GET', '/v1/endpoints');
    assert.deepEqual(list.body.data[0].headers, { 'X-Receiver-Auth': '••••' });
    const patched = await call<EndpointView>('PATCH', `/v1/endpoints/${endpointId}`, { description: 'x' });
    assert.deepEqual(patched.body.headers, { 'X-Receiver-Auth': '••••' });
    for (const answer of [one, list, patched]) assert.ok(!JSON.stringify(answer.body).includes(headerValue));
    const document = JSON.stringify((await call('GET', '/openapi.json', undefined, { token: null })).body);
    assert.match(document, /write-only/);
  });

  it('signs deliveries and verifies inbound webhooks with the decrypted secrets', async () => {
    await assertDeliveryVerifies();
    await assertInboundVerifies();
  });

  it('keeps keys out of /health, /metrics and the logs', async () => {
    for (const service of Object.values(services)) {
      for (const route of ['/health/ready', '/metrics']) {
        const text = await (await fetch(`${service.url}${route}`)).text();
        assert.ok(!text.includes(k1.material), `${service.name} ${route}`);
      }
      const log = readFileSync(path.join(logDir, `${service.name}-${service.port}.log`), 'utf8');
      assert.ok(!log.includes(k1.material), `${service.name} log`);
    }
  });

  it('rotates to a new key: restart with k2 first, re-encrypt (idempotent), and everything still verifies', async () => {
    await startWithKeys(keyList(k2, k1), ['api', 'dispatcher', 'ingress']);
    // Written before the re-encryption, still under k1: opened with the old key.
    await assertDeliveryVerifies();
    assert.match(await reencrypt(keyList(k2, k1)), /"endpointSecrets":3,"endpoints":2,"sourceSecrets":1/);
    assert.match(await reencrypt(keyList(k2, k1)), /"endpointSecrets":0,"endpoints":0,"sourceSecrets":0/);
    for (const value of await storedSecrets()) assert.match(value, /^enc:v1:k2:/);
    for (const plaintext of plaintexts()) assert.deepEqual(await columnsHolding(plaintext), [], plaintext);
    await assertDeliveryVerifies();
    await assertInboundVerifies();
  });

  it('decrypts everything after the old key is dropped', async () => {
    await startWithKeys(keyList(k2), ['api', 'dispatcher', 'ingress']);
    const current = await call<{ key: string }>('GET', `/v1/endpoints/${endpointId}/secret`);
    assert.equal(current.body.key, ed25519.secretKey);
    await assertDeliveryVerifies();
    await assertInboundVerifies();
  });

  it('npm run migrate seals plaintext rows written before encryption, and they still read back', async () => {
    const legacy = { header: `legacy-${randomUUID()}`, key: generateSecret(), source: generateSecret() };
    await db.query(
      `INSERT INTO endpoints (id, url, event_types, headers) VALUES ('ep_legacy', $1, '{legacy.*}', $2::jsonb)`,
      [receiver.url, JSON.stringify({ 'X-Legacy': legacy.header })],
    );
    await db.query(`INSERT INTO endpoint_secrets (endpoint_id, key) VALUES ('ep_legacy', $1)`, [legacy.key]);
    await db.query(
      `INSERT INTO sources (id, name, provider, secrets) VALUES ('src_legacy', 'legacy', 'standard-webhooks', $1::jsonb)`,
      [JSON.stringify([legacy.source])],
    );
    // Plaintext from before encryption reads as is until the migrate step seals it.
    assert.equal((await call<{ key: string }>('GET', '/v1/endpoints/ep_legacy/secret')).body.key, legacy.key);
    assert.match(
      await runTool('migrate.js', keyList(k2)),
      /"endpointSecrets":1,"endpoints":1,"sourceSecrets":1/,
    );
    for (const value of await storedSecrets()) assert.match(value, /^enc:v1:k2:/);
    for (const plaintext of [legacy.header, legacy.key.slice(6), legacy.source.slice(6)])
      assert.deepEqual(await columnsHolding(plaintext), [], plaintext);
    assert.equal((await call<{ key: string }>('GET', '/v1/endpoints/ep_legacy/secret')).body.key, legacy.key);
  });

  it('refuses to start on a bad key list, naming the variable and never the key material', async () => {
    const short = randomBytes(16).toString('base64');
    const bad = spawnService(
      'api',
      1,
      { ...env, SECRETS_ENCRYPTION_KEYS: `k1:${short},k1:${k1.material}` },
      logDir,
    );
    assert.equal(await bad.exited, 78);
    const log = readFileSync(path.join(logDir, `api-1.log`), 'utf8');
    assert.match(
      log,
      /SECRETS_ENCRYPTION_KEYS is invalid: entry #1 \("k1"\): the key must be the base64 of exactly 32/,
    );
    assert.match(log, /"k1" appears twice/);
    assert.ok(!log.includes(short) && !log.includes(k1.material));
  });
});
