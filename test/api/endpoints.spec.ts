import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type {
  CreatedApiKeyView,
  CreatedEndpointView,
  EndpointView,
  Page,
  SecretView,
} from '@gateway/control';
import { createDataSource, EndpointSecretsRepository, type DataSource } from '@gateway/persistence';
import { freshTopics, startServices, testInfra, testSecretBox } from '../support/gateway';
import type { RunningService } from '../support/services';
import { controlClient, isProblem, problemPaths, type ApiCall, type Problem } from './control-client';

const token = `admin-${randomUUID()}`;

describe('control API: auth, endpoints, secrets, validation, OpenAPI', () => {
  let api: RunningService;
  let call: ApiCall;
  let db: DataSource;

  before(async () => {
    const { prefix } = await freshTopics(1);
    ({ api } = (await startServices(['api'], { KAFKA_TOPIC_PREFIX: prefix, ADMIN_TOKEN: token })) as {
      api: RunningService;
    });
    call = controlClient(api.url, token);
    db = createDataSource(testInfra().databaseUrl, 1);
    await db.initialize();
  });

  after(async () => {
    await db?.destroy();
    await api?.stop();
  });

  const create = async (body: Record<string, unknown>): Promise<CreatedEndpointView> => {
    const answer = await call<CreatedEndpointView>('POST', '/v1/endpoints', body);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return answer.body;
  };

  describe('auth', () => {
    it('refuses /v1 calls without a token, with a wrong one, or another scheme, with a 401 problem', async () => {
      for (const options of [
        { token: null },
        { token: 'wrong-token-of-some-length' },
        { token: `${token}x` },
      ]) {
        const answer = await call('GET', '/v1/endpoints', undefined, options);
        assert.ok(isProblem(answer, 401), JSON.stringify(answer.body));
        assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer/);
      }
      const basic = await call('GET', '/v1/endpoints', undefined, {
        token: null,
        headers: { authorization: `Basic ${token}` },
      });
      assert.ok(isProblem(basic, 401));
    });

    it('checks the token before reading the body', async () => {
      const answer = await call('POST', '/v1/events', undefined, { token: null, raw: '{not json' });
      assert.ok(isProblem(answer, 401), JSON.stringify(answer.body));
    });

    it('accepts the right token', async () => {
      assert.equal((await call('GET', '/v1/endpoints')).status, 200);
      assert.equal(
        (
          await call('GET', '/v1/endpoints', undefined, {
            token: null,
            headers: { authorization: `bearer ${token}` },
          })
        ).status,
        200,
      );
    });

    it('leaves health, metrics, the OpenAPI document and its UI open', async () => {
      for (const path of ['/health/live', '/health/ready', '/metrics', '/openapi.json', '/docs']) {
        const answer = await call('GET', path, undefined, { token: null });
        assert.equal(answer.status, 200, path);
      }
    });
  });

  describe('endpoints', () => {
    it('creates one with the defaults, an ep_ id and a generated whsec_ secret', async () => {
      const endpoint = await create({ url: 'https://receiver.example/hooks' });
      assert.match(endpoint.id, /^ep_[A-Za-z0-9_-]{16,}$/);
      assert.match(endpoint.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
      assert.deepEqual(
        { ...endpoint, id: undefined, secret: undefined, createdAt: undefined, updatedAt: undefined },
        {
          id: undefined,
          secret: undefined,
          createdAt: undefined,
          updatedAt: undefined,
          url: 'https://receiver.example/hooks',
          destination: null,
          description: null,
          eventTypes: ['*'],
          filter: null,
          tenant: null,
          ordered: false,
          retryPolicy: null,
          rateLimit: null,
          headers: {},
          enabled: true,
          disabledReason: null,
        },
      );
    });

    it('keeps every field given, reads it back without the secret', async () => {
      const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
      const body = {
        url: 'http://127.0.0.1:9999/in',
        description: 'billing',
        eventTypes: ['invoice.*', 'customer.created'],
        filter: { amount: { $gt: 100 }, $or: [{ 'customer.country': 'DE' }, { plan: 'enterprise' }] },
        tenant: 'acme',
        ordered: true,
        retryPolicy: { maxAttempts: 5, baseSeconds: 2, factor: 3, capSeconds: 600 },
        rateLimit: { perSecond: 50 },
        headers: { 'X-Team': 'billing', Authorization: 'Bearer receiver-token' },
        enabled: false,
        secret,
      };
      const created = await create(body);
      assert.equal(created.secret, secret);
      const read = await call<EndpointView>('GET', `/v1/endpoints/${created.id}`);
      assert.equal(read.status, 200);
      assert.equal('secret' in read.body, false, 'no secret outside the secret routes');
      const withoutSecret = ({ secret: _secret, ...fields }: typeof body) => fields;
      const fields = withoutSecret(body);
      assert.deepEqual(
        {
          ...read.body,
          id: undefined,
          createdAt: undefined,
          updatedAt: undefined,
          disabledReason: undefined,
        },
        {
          ...fields,
          // Header values are write-only (ADR 0027): the names, each value masked.
          headers: { 'X-Team': '••••', Authorization: '••••' },
          destination: null,
          id: undefined,
          createdAt: undefined,
          updatedAt: undefined,
          disabledReason: undefined,
        },
      );
    });

    it('lists with cursor pagination and filters', async () => {
      const tenant = `t-${randomUUID()}`;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push((await create({ url: `https://r.example/${i}`, tenant, enabled: i !== 2 })).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `/v1/endpoints?tenant=${tenant}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await call<Page<EndpointView>>('GET', query);
        assert.equal(page.status, 200, JSON.stringify(page.body));
        assert.ok(page.body.data.length <= 2);
        for (const item of page.body.data) assert.equal('secret' in item, false);
        seen.push(...page.body.data.map((item) => item.id));
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor !== null && pages < 10);
      assert.deepEqual(seen, ids, 'every endpoint once, oldest first');
      assert.equal(pages, 3);
      const disabled = await call<Page<EndpointView>>('GET', `/v1/endpoints?tenant=${tenant}&enabled=false`);
      assert.deepEqual(
        disabled.body.data.map((item) => item.id),
        [ids[2]],
      );
      const all = await call<Page<EndpointView>>('GET', '/v1/endpoints');
      assert.ok(all.body.data.length <= 20, 'the default limit is 20');
    });

    it('searches id, url and description with q, in any case, % _ and \\ literal, a tenant key in its tenant', async () => {
      const mark = randomUUID().slice(0, 8);
      const tenant = `q-${mark}`;
      assert.equal((await call('POST', '/v1/tenants', { id: tenant, name: 'Search' })).status, 201);
      const byUrl = await create({ url: `https://search-${mark}.example/Hook`, tenant });
      const byDescription = await create({
        url: 'https://r.example/plain',
        tenant,
        description: `Billing ${mark} 100%_off`,
      });
      const otherTenant = await create({
        url: `https://search-${mark}.example/other`,
        tenant: `${tenant}-b`,
      });
      const search = async (q: string, key?: string): Promise<string[]> => {
        const answer = await call<Page<EndpointView>>(
          'GET',
          `/v1/endpoints?q=${encodeURIComponent(q)}`,
          undefined,
          key === undefined ? {} : { token: key },
        );
        assert.equal(answer.status, 200, `${q}: ${JSON.stringify(answer.body)}`);
        return answer.body.data.map((item) => item.id);
      };
      assert.deepEqual(await search(`SEARCH-${mark}.EXAMPLE/hook`), [byUrl.id], 'url, any case');
      assert.deepEqual(await search(`search-${mark}`), [byUrl.id, otherTenant.id], 'oldest first');
      assert.deepEqual(await search(`billing ${mark}`), [byDescription.id], 'description');
      assert.deepEqual(await search(byDescription.id.toUpperCase()), [byDescription.id], 'id');
      assert.deepEqual(await search(`${mark} 100%_off`), [byDescription.id], '% and _ match themselves');
      // As wildcards, `1%0` and `10_%` would match "100%_off".
      assert.deepEqual(await search(`${mark} 1%0`), []);
      assert.deepEqual(await search(`${mark} 10_%`), []);
      // A trailing unescaped backslash is an error in a LIKE pattern (a 500, were it not escaped).
      assert.deepEqual(await search(`${mark}\\`), []);
      const key = await call<CreatedApiKeyView>('POST', '/v1/api-keys', {
        name: 'search',
        tenant,
        scopes: ['endpoints:read'],
      });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      assert.deepEqual(
        await search(`search-${mark}`, key.body.key),
        [byUrl.id],
        "a tenant key: its tenant's only",
      );
    });

    it('updates only the fields given; null clears an optional one', async () => {
      const created = await create({
        url: 'https://r.example/a',
        description: 'old',
        filter: { plan: 'pro' },
        tenant: 'acme',
      });
      const patched = await call<EndpointView>('PATCH', `/v1/endpoints/${created.id}`, {
        description: 'new',
        filter: null,
        eventTypes: ['order.*'],
        enabled: false,
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal(patched.body.description, 'new');
      assert.equal(patched.body.filter, null);
      assert.deepEqual(patched.body.eventTypes, ['order.*']);
      assert.equal(patched.body.enabled, false);
      assert.equal(patched.body.tenant, 'acme', 'untouched');
      assert.equal(patched.body.url, 'https://r.example/a', 'untouched');
      assert.ok(Date.parse(patched.body.updatedAt) >= Date.parse(patched.body.createdAt));
      const read = await call<EndpointView>('GET', `/v1/endpoints/${created.id}`);
      assert.deepEqual(read.body, patched.body);
      const secret = await call('PATCH', `/v1/endpoints/${created.id}`, { secret: created.secret });
      assert.ok(isProblem(secret, 400));
      assert.deepEqual(problemPaths(secret), ['secret'], 'the secret changes only by rotation');
    });

    it('deletes with 204, then answers 404 problems', async () => {
      const created = await create({ url: 'https://r.example/gone' });
      const deleted = await call('DELETE', `/v1/endpoints/${created.id}`);
      assert.equal(deleted.status, 204);
      assert.equal(deleted.body, '');
      const rows = await db.query<unknown[]>(`SELECT 1 FROM endpoint_secrets WHERE endpoint_id = $1`, [
        created.id,
      ]);
      assert.equal(rows.length, 0, 'its secrets are gone too');
      for (const [method, path] of [
        ['GET', `/v1/endpoints/${created.id}`],
        ['DELETE', `/v1/endpoints/${created.id}`],
        ['PATCH', `/v1/endpoints/${created.id}`],
        ['GET', `/v1/endpoints/${created.id}/secret`],
        ['POST', `/v1/endpoints/${created.id}/secret/rotate`],
      ] as const) {
        const answer = await call(method, path, method === 'PATCH' ? { description: 'x' } : undefined);
        assert.ok(isProblem(answer, 404), `${method} ${path}: ${JSON.stringify(answer.body)}`);
      }
    });
  });

  describe('validation', () => {
    const refused = async (body: unknown, path = '/v1/endpoints', method = 'POST'): Promise<string[]> => {
      const answer = await call<Problem>(method, path, body);
      assert.ok(isProblem(answer, 400), JSON.stringify(answer.body));
      assert.ok(answer.body.errors && answer.body.errors.length > 0, 'errors lists the fields');
      return problemPaths(answer);
    };

    it('names a bad url', async () => {
      assert.deepEqual(await refused({ url: 'ftp://files.example/x' }), ['url']);
      assert.deepEqual(await refused({ url: 'not a url' }), ['url']);
      assert.deepEqual(await refused({}), ['url']);
    });

    it('names a bad filter operator and its field path', async () => {
      const answer = await call<Problem>('POST', '/v1/endpoints', {
        url: 'https://r.example',
        filter: { amount: { $gtt: 100 } },
      });
      assert.ok(isProblem(answer, 400));
      const error = answer.body.errors?.find((item) => item.path.startsWith('filter.amount'));
      assert.ok(error, JSON.stringify(answer.body.errors));
      assert.match(error.message, /unknown operator "\$gtt"/);
    });

    it("refuses a filter number beyond a double's range (jsonb cannot store it): 400, not 500", async () => {
      const answer = await call<Problem>('POST', '/v1/endpoints', undefined, {
        raw: '{"url":"https://r.example","filter":{"amount":{"$gt":1e1001}}}',
      });
      assert.ok(isProblem(answer, 400), JSON.stringify(answer.body));
      assert.ok(
        problemPaths(answer).some((path) => path.startsWith('filter')),
        JSON.stringify(answer.body.errors),
      );
    });

    it('names a bad retry policy field', async () => {
      const policy = { maxAttempts: 0, baseSeconds: 5, factor: 2, capSeconds: 60 };
      assert.deepEqual(await refused({ url: 'https://r.example', retryPolicy: policy }), [
        'retryPolicy.maxAttempts',
      ]);
      const capBelowBase = { maxAttempts: 3, baseSeconds: 60, factor: 2, capSeconds: 5 };
      assert.deepEqual(await refused({ url: 'https://r.example', retryPolicy: capBelowBase }), [
        'retryPolicy.capSeconds',
      ]);
    });

    it('names bad event types, headers, secret, rate limit and unknown fields', async () => {
      assert.deepEqual(await refused({ url: 'https://r.example', eventTypes: ['in*voice'] }), [
        'eventTypes.0',
      ]);
      assert.deepEqual(await refused({ url: 'https://r.example', eventTypes: [] }), ['eventTypes']);
      assert.deepEqual(
        (
          await refused({
            url: 'https://r.example',
            headers: {
              Connection: 'close',
              'webhook-id': 'x',
              'X-Ok': 'fine',
              'Transfer-Encoding': 'chunked',
              Expect: '100-continue',
              'Content-Type': 'text/plain',
              traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
            },
          })
        ).sort(),
        [
          'headers.Connection',
          'headers.Content-Type',
          'headers.Expect',
          'headers.Transfer-Encoding',
          'headers.traceparent',
          'headers.webhook-id',
        ],
      );
      assert.deepEqual(await refused({ url: 'https://r.example', secret: 'whsec_short' }), ['secret']);
      assert.deepEqual(await refused({ url: 'https://r.example', secret: 'plain-password-of-some-length' }), [
        'secret',
      ]);
      assert.deepEqual(await refused({ url: 'https://r.example', rateLimit: { perSecond: -1 } }), [
        'rateLimit.perSecond',
      ]);
      assert.deepEqual(await refused({ url: 'https://r.example', evenTypes: ['*'] }), ['evenTypes']);
    });

    it('names bad list parameters', async () => {
      for (const [query, field] of [
        ['limit=0', 'limit'],
        ['limit=101', 'limit'],
        ['limit=ten', 'limit'],
        ['cursor=not-a-cursor', 'cursor'],
        ['enabled=maybe', 'enabled'],
        ['q=', 'q'],
        [`q=${'x'.repeat(201)}`, 'q'],
        ['q=a%00b', 'q'],
      ]) {
        const answer = await call<Problem>('GET', `/v1/endpoints?${query}`);
        assert.ok(isProblem(answer, 400), query);
        assert.deepEqual(problemPaths(answer), [field], query);
      }
    });

    it('answers malformed JSON and an empty JSON body with a 400 problem, another media type with 415', async () => {
      const malformed = await call('POST', '/v1/endpoints', undefined, {
        raw: '{"url": "https://r.example",',
      });
      assert.ok(isProblem(malformed, 400), JSON.stringify(malformed.body));
      const empty = await call('POST', '/v1/endpoints', undefined, {
        raw: '',
        headers: { 'content-type': 'application/json' },
      });
      assert.ok(isProblem(empty, 400), JSON.stringify(empty.body));
      const text = await call('POST', '/v1/endpoints', undefined, {
        raw: 'url=x',
        headers: { 'content-type': 'text/plain' },
      });
      assert.ok(isProblem(text, 415), JSON.stringify(text.body));
    });

    it('answers a body over 1 MiB with a 413 problem', async () => {
      const big = { url: 'https://r.example', description: 'x'.repeat(1024 * 1024) };
      const answer = await call('POST', '/v1/endpoints', big);
      assert.ok(isProblem(answer, 413), JSON.stringify(answer.body).slice(0, 300));
    });
  });

  describe('secrets', () => {
    type SecretRow = { key: string; expires_in: number | null };
    const secretRows = async (endpointId: string): Promise<SecretRow[]> => {
      const rows = await db.query<SecretRow[]>(
        `SELECT key, extract(epoch from expires_at - now())::float8 AS expires_in FROM endpoint_secrets WHERE endpoint_id = $1 ORDER BY id`,
        [endpointId],
      );
      // Stored encrypted (ADR 0027): opened as the repository does.
      const secrets = new EndpointSecretsRepository(db, testSecretBox());
      return rows.map((row) => ({ ...row, key: secrets.openKey(row.key, endpointId) }));
    };

    it('reads the newest secret', async () => {
      const created = await create({ url: 'https://r.example/s' });
      const answer = await call<SecretView>('GET', `/v1/endpoints/${created.id}/secret`);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { key: created.secret });
    });

    it('rotates with a default overlap of a day: the old secret expires then, the new one signs now', async () => {
      const created = await create({ url: 'https://r.example/s' });
      const rotated = await call<SecretView>('POST', `/v1/endpoints/${created.id}/secret/rotate`, {});
      assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
      assert.match(rotated.body.key, /^whsec_/);
      assert.notEqual(rotated.body.key, created.secret);
      assert.deepEqual(
        (await call<SecretView>('GET', `/v1/endpoints/${created.id}/secret`)).body,
        rotated.body,
      );
      const rows = await secretRows(created.id);
      assert.equal(rows.length, 2);
      assert.equal(rows[0].key, created.secret);
      assert.ok(
        Math.abs(rows[0].expires_in! - 86_400) < 60,
        `old expires in a day, not ${rows[0].expires_in}`,
      );
      assert.equal(rows[1].key, rotated.body.key);
      assert.equal(rows[1].expires_in, null);
    });

    it('rotates to a given key with no overlap, without a body, and refuses a bad overlap', async () => {
      const created = await create({ url: 'https://r.example/s' });
      const key = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;
      const rotated = await call<SecretView>('POST', `/v1/endpoints/${created.id}/secret/rotate`, {
        key,
        overlapSeconds: 0,
      });
      assert.deepEqual(rotated.body, { key });
      const rows = await secretRows(created.id);
      assert.ok(rows[0].expires_in! <= 0, 'the old secret stopped signing');
      const bare = await call<SecretView>('POST', `/v1/endpoints/${created.id}/secret/rotate`);
      assert.equal(bare.status, 200, JSON.stringify(bare.body));
      assert.notEqual(bare.body.key, key);
      const after = await secretRows(created.id);
      assert.deepEqual(
        after.map((row) => row.key),
        [key, bare.body.key],
        'secrets expired before are deleted',
      );
      for (const overlapSeconds of [-1, 7 * 86_400 + 1, 1.5]) {
        const answer = await call<Problem>('POST', `/v1/endpoints/${created.id}/secret/rotate`, {
          overlapSeconds,
        });
        assert.ok(isProblem(answer, 400));
        assert.deepEqual(problemPaths(answer), ['overlapSeconds']);
      }
    });
  });

  describe('OpenAPI', () => {
    it('serves an OpenAPI 3.1 document with every route and the bearer scheme', async () => {
      const answer = await call<{
        openapi: string;
        paths: Record<string, Record<string, unknown>>;
        components: { securitySchemes: Record<string, { scheme: string }>; schemas: Record<string, unknown> };
      }>('GET', '/openapi.json', undefined, { token: null });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.openapi, '3.1.0');
      const expected: Record<string, string[]> = {
        '/v1/endpoints': ['get', 'post'],
        '/v1/endpoints/{id}': ['delete', 'get', 'patch'],
        '/v1/endpoints/{id}/secret': ['get'],
        '/v1/endpoints/{id}/secret/rotate': ['post'],
        '/v1/events': ['get', 'post'],
        '/v1/events/{id}': ['get'],
        '/v1/events/{id}/deliveries': ['get'],
        '/v1/deliveries/{id}/attempts': ['get'],
      };
      for (const [path, methods] of Object.entries(expected)) {
        assert.deepEqual(Object.keys(answer.body.paths[path] ?? {}).sort(), methods, path);
      }
      assert.equal(answer.body.components.securitySchemes.bearerAuth?.scheme, 'bearer');
      const refs = JSON.stringify(answer.body).match(/"\$ref":"[^"]+"/g) ?? [];
      for (const ref of refs) {
        const name = /#\/components\/schemas\/([^"]+)"$/.exec(ref)?.[1];
        assert.ok(name && name in answer.body.components.schemas, `${ref} resolves`);
      }
    });

    it('serves the UI at /docs', async () => {
      const answer = await call<string>('GET', '/docs', undefined, { token: null });
      assert.equal(answer.status, 200);
      assert.match(answer.headers.get('content-type') ?? '', /text\/html/);
      assert.match(answer.body, /swagger-ui/i);
      const init = await call<string>('GET', '/docs/swagger-ui-init.js', undefined, { token: null });
      assert.equal(init.status, 200);
      assert.match(init.body, /openapi/);
      const bundle = await fetch(`${api.url}/docs/swagger-ui-bundle.js`);
      assert.equal(bundle.status, 200);
      await bundle.arrayBuffer();
    });
  });
});
