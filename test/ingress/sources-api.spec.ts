import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Page, SourceView } from '@gateway/control';
import { generateSecret } from '@gateway/signing';
import { controlClient, isProblem, problemPaths, type ApiCall, type Problem } from '../api/control-client';
import { freshDatabase, freshTopics, startServices } from '../support/gateway';
import type { RunningService } from '../support/services';
import { ingressSees, post, standardWebhooksHeaders } from '../support/ingress';

const token = `admin-${randomUUID()}`;
const fingerprint = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 12);

describe('control API: sources', () => {
  let services: Record<string, RunningService>;
  let call: ApiCall;

  before(async () => {
    const { prefix } = await freshTopics(1);
    const databaseUrl = await freshDatabase();
    services = await startServices(['api', 'ingress'], {
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: databaseUrl,
      ADMIN_TOKEN: token,
      PUBLIC_BASE_URL: 'https://hooks.example.test/',
    });
    call = controlClient(services.api.url, token);
  });

  after(async () => {
    await Promise.all(Object.values(services ?? {}).map((service) => service.stop()));
  });

  it('creates a source with defaults, answers its ingressUrl, and never returns its secrets', async () => {
    const secret = generateSecret();
    const created = await call<SourceView>('POST', '/v1/sources', {
      name: 'billing',
      provider: 'standard-webhooks',
      secrets: [secret],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const source = created.body;
    assert.match(source.id, /^src_[A-Za-z0-9_-]{22}$/);
    assert.equal(source.ingressUrl, `https://hooks.example.test/in/${source.id}`);
    assert.deepEqual(
      {
        tolerance: source.toleranceSeconds,
        window: source.dedupWindowSeconds,
        forward: source.forward,
        rate: source.rateLimit,
      },
      { tolerance: 300, window: 86400, forward: null, rate: null },
    );
    assert.equal(source.maxBodyBytes, 524288);
    assert.deepEqual(source.secretFingerprints, [fingerprint(secret)]);
    for (const answer of [
      created,
      await call('GET', `/v1/sources/${source.id}`),
      await call('GET', '/v1/sources'),
    ]) {
      assert.ok(!JSON.stringify(answer.body).includes(secret), 'the secret is never answered');
    }
  });

  it('lists with a cursor, filters by provider, updates, rotates, and deletes (after which the ingress answers 404)', async () => {
    const made: SourceView[] = [];
    for (let i = 0; i < 3; i++) {
      made.push(
        (
          await call<SourceView>('POST', '/v1/sources', {
            name: `gh ${i}`,
            provider: 'github',
            secrets: [`s-${i}`],
          })
        ).body,
      );
    }
    const first = await call<Page<SourceView>>('GET', '/v1/sources?provider=github&limit=2');
    assert.equal(first.body.data.length, 2);
    assert.ok(first.body.nextCursor);
    const second = await call<Page<SourceView>>(
      'GET',
      `/v1/sources?provider=github&limit=2&cursor=${first.body.nextCursor}`,
    );
    assert.deepEqual(
      [...first.body.data, ...second.body.data].map((item) => item.id),
      made.map((item) => item.id),
    );
    assert.equal(second.body.nextCursor, null);

    const target = made[0];
    const patched = await call<SourceView>('PATCH', `/v1/sources/${target.id}`, {
      secrets: ['new-secret', 's-0'],
      forward: { eventTypeFrom: 'header:x-github-event' },
      rateLimit: { perSecond: 100, burst: 200 },
      toleranceSeconds: 60,
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual(patched.body.secretFingerprints, [fingerprint('new-secret'), fingerprint('s-0')]);
    assert.deepEqual(patched.body.forward, { eventTypeFrom: 'header:x-github-event' });
    assert.equal(patched.body.toleranceSeconds, 60);
    const cleared = await call<SourceView>('PATCH', `/v1/sources/${target.id}`, {
      forward: null,
      rateLimit: null,
    });
    assert.deepEqual([cleared.body.forward, cleared.body.rateLimit], [null, null]);

    await ingressSees(services.ingress, 4);
    assert.equal((await call('DELETE', `/v1/sources/${target.id}`)).status, 204);
    assert.ok(isProblem(await call('GET', `/v1/sources/${target.id}`), 404));
    assert.ok(isProblem(await call('DELETE', `/v1/sources/${target.id}`), 404));
    await ingressSees(services.ingress, 3);
    assert.equal((await post(`${services.ingress.url}/in/${target.id}`, {}, '{}')).status, 404);
  });

  it('refuses bad input with a 400 naming each field', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ name: 'x', provider: 'nope', secrets: ['s'] }, ['provider']],
      [{ name: 'x', provider: 'github', secrets: [] }, ['secrets']],
      [
        { name: 'x', provider: 'github', secrets: ['s'], toleranceSeconds: 0, maxBodyBytes: 10_000_000 },
        ['toleranceSeconds', 'maxBodyBytes'],
      ],
      [
        { name: 'x', provider: 'github', secrets: ['s'], forward: { eventTypeFrom: 'a b' } },
        ['forward.eventTypeFrom'],
      ],
      [{ name: 'x', provider: 'github', secrets: ['s'], secret: 's' }, ['secret']],
      [{ name: 'x', provider: 'discord', secrets: ['not-a-hex-key'] }, ['secrets.0']],
      [{ name: 'x', provider: 'generic-hmac', secrets: ['s'] }, ['options']],
      [{ name: 'x', provider: 'github', secrets: ['s'], options: { header: 'x' } }, ['options']],
    ];
    for (const [body, paths] of cases) {
      const answer = await call<Problem>('POST', '/v1/sources', body);
      assert.ok(isProblem(answer, 400), JSON.stringify(answer.body));
      assert.deepEqual(problemPaths(answer).sort(), paths.sort(), JSON.stringify(answer.body));
      assert.ok(!answer.body.detail.includes('not-a-hex-key'), 'a bad key is named by position, not echoed');
    }
    const source = (
      await call<SourceView>('POST', '/v1/sources', { name: 'd', provider: 'github', secrets: ['s'] })
    ).body;
    const switched = await call<Problem>('PATCH', `/v1/sources/${source.id}`, { provider: 'discord' });
    assert.ok(isProblem(switched, 400), 'changing the provider re-checks the secrets');
    assert.deepEqual(problemPaths(switched), ['secrets.0']);
  });

  it('requires the admin token and documents the routes', async () => {
    assert.ok(isProblem(await call('GET', '/v1/sources', undefined, { token: null }), 401));
    assert.ok(isProblem(await call('POST', '/v1/sources', {}, { token: 'wrong-token-wrong-token' }), 401));
    const document = (
      await call<{
        paths: Record<string, Record<string, unknown>>;
        components: { schemas: Record<string, unknown> };
      }>('GET', '/openapi.json', undefined, { token: null })
    ).body;
    assert.deepEqual(Object.keys(document.paths['/v1/sources']).sort(), ['get', 'post']);
    assert.deepEqual(Object.keys(document.paths['/v1/sources/{id}']).sort(), ['delete', 'get', 'patch']);
    for (const name of ['CreateSource', 'UpdateSource', 'Source', 'SourcePage'])
      assert.ok(document.components.schemas[name], name);
  });

  it('accepts a webhook sent the moment its source is created (the ingress catches up on an unknown id)', async () => {
    for (let n = 0; n < 3; n++) {
      const secret = generateSecret();
      const body = `{"type":"first.call","n":${n}}`;
      const headers = standardWebhooksHeaders(secret, body);
      const created = await call<SourceView>('POST', '/v1/sources', {
        name: `instant-${n}`,
        provider: 'standard-webhooks',
        secrets: [secret],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const first = await post(`${services.ingress.url}/in/${created.body.id}`, headers, body);
      assert.equal(first.status, 200, first.text);
    }
  });
});
