import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Parser } from '@asyncapi/parser';
import type { Producer } from 'kafkajs';
import type { CreatedEndpointView, EventTypeView, Page, PublishedEventView } from '@gateway/control';
import type { InvalidMessage, TopicNames } from '@gateway/schemas';
import { collect, freshTopics, rawProducer, startServices } from '../support/gateway';
import { Receiver } from '../support/receiver';
import type { RunningService } from '../support/services';
import { waitFor } from '../support/wait-for';
import { controlClient, isProblem, problemPaths, type ApiCall, type Problem } from './control-client';

const token = `admin-${randomUUID()}`;
/** Type names of this run, apart from other runs' in the shared database. */
const run = `t${randomUUID().slice(0, 8)}`;
const invoicePaid = `${run}.invoice.paid`;
const invoiceSchema = {
  type: 'object',
  required: ['amount', 'currency'],
  properties: {
    amount: { type: 'integer', minimum: 0 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  },
};

type Collected = Awaited<ReturnType<typeof collect>>;

describe('the event-type catalog: CRUD, schema checks on publish and routing, strict subscriptions, AsyncAPI', () => {
  let services: Record<string, RunningService>;
  let strictApi: RunningService;
  let call: ApiCall;
  let strict: ApiCall;
  let topics: TopicNames;
  let invalid: Collected;
  let producer: Producer;
  const receiver = new Receiver();

  before(async () => {
    const fresh = await freshTopics(2);
    topics = fresh.topics;
    await receiver.start();
    const env = { KAFKA_TOPIC_PREFIX: fresh.prefix, ADMIN_TOKEN: token, DELIVERY_ALLOWLIST: '127.0.0.0/8' };
    [services, { api: strictApi }] = await Promise.all([
      startServices(['api', 'router', 'dispatcher'], env),
      startServices(['api'], { ...env, EVENT_TYPES_STRICT: 'true' }),
    ]);
    call = controlClient(services.api.url, token);
    strict = controlClient(strictApi.url, token);
    invalid = await collect(topics.invalid);
    producer = await rawProducer();
  });

  after(async () => {
    await invalid?.consumer.disconnect();
    await producer?.disconnect();
    await Promise.all([...Object.values(services ?? {}), strictApi].map((service) => service?.stop()));
    await receiver.stop();
  });

  /** The invalid-topic record of the event of this id. */
  const rejectedEvent = (id: string): Promise<InvalidMessage> =>
    waitFor(`event ${id} on the invalid topic`, 30000, () =>
      invalid.messages
        .map((message) => JSON.parse(message.value) as InvalidMessage)
        .find((item) =>
          Buffer.from(item.valueBase64 ?? '', 'base64')
            .toString()
            .includes(id),
        ),
    );

  const createType = async (body: Record<string, unknown>): Promise<EventTypeView> => {
    const answer = await call<EventTypeView>('POST', '/v1/event-types', body);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return answer.body;
  };

  describe('CRUD', () => {
    it('creates, reads, changes and deletes a type; a second create of the name is a 409', async () => {
      const name = `${run}.crud`;
      const created = await createType({
        name,
        description: 'a test',
        schema: { type: 'object' },
        examples: [{}],
      });
      assert.equal(created.name, name);
      assert.deepEqual(created.examples, [{}]);
      assert.equal(created.deprecated, false);
      assert.ok(isProblem(await call('POST', '/v1/event-types', { name }), 409));
      const read = await call<EventTypeView>('GET', `/v1/event-types/${name}`);
      assert.deepEqual(read.body, created);
      const changed = await call<EventTypeView>('PATCH', `/v1/event-types/${name}`, {
        deprecated: true,
        schema: null,
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.deprecated, true);
      assert.equal(changed.body.schema, null);
      assert.equal((await call('DELETE', `/v1/event-types/${name}`)).status, 204);
      assert.ok(isProblem(await call('GET', `/v1/event-types/${name}`), 404));
      assert.ok(isProblem(await call('DELETE', `/v1/event-types/${name}`), 404));
      assert.ok(isProblem(await call('PATCH', `/v1/event-types/${name}`, { deprecated: false }), 404));
    });

    it('pages the catalog oldest first with a cursor', async () => {
      const names = [1, 2, 3].map((index) => `${run}.page${index}`);
      for (const name of names) await createType({ name });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
        const page: { status: number; body: Page<EventTypeView> } = await call<Page<EventTypeView>>(
          'GET',
          `/v1/event-types${query}`,
        );
        assert.equal(page.status, 200);
        assert.ok(page.body.data.length <= 2);
        seen.push(...page.body.data.map((type) => type.name));
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.deepEqual(
        seen.filter((name) => names.includes(name)),
        names,
      );
      assert.ok(isProblem(await call('GET', '/v1/event-types?cursor=nonsense'), 400));
    });

    it('refuses a schema that does not compile, a remote $ref, and examples failing their schema, with 422 and the reasons', async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ name: `${run}.bad1`, schema: { type: 'no-such-type' } }, /^schema/],
        [{ name: `${run}.bad2`, schema: { $ref: 'https://example.com/s.json' } }, /^schema\/\$ref$/],
        [{ name: `${run}.bad3`, schema: { type: 'string', pattern: '(a)\\1' } }, /^schema/],
        [{ name: `${run}.bad4`, schema: invoiceSchema, examples: [{ amount: 'x' }] }, /^examples\/0/],
      ];
      for (const [body, path] of cases) {
        const answer = await call<Problem>('POST', '/v1/event-types', body);
        assert.ok(isProblem(answer, 422), JSON.stringify(answer.body));
        assert.ok(
          problemPaths(answer).some((name) => path.test(name)),
          JSON.stringify(answer.body),
        );
        assert.ok(isProblem(await call('GET', `/v1/event-types/${String(body.name)}`), 404));
      }
      assert.ok(isProblem(await call('POST', '/v1/event-types', { name: 'bad name!' }), 400));
      await createType({ name: `${run}.patched`, schema: invoiceSchema });
      const patch = await call<Problem>('PATCH', `/v1/event-types/${run}.patched`, { examples: [{}] });
      assert.ok(isProblem(patch, 422), JSON.stringify(patch.body));
    });
  });

  describe('publishing', () => {
    let endpoint: CreatedEndpointView;

    before(async () => {
      await createType({
        name: invoicePaid,
        schema: invoiceSchema,
        examples: [{ amount: 1, currency: 'EUR' }],
      });
      const answer = await call<CreatedEndpointView>('POST', '/v1/endpoints', {
        url: receiver.url,
        eventTypes: [invoicePaid],
      });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      endpoint = answer.body;
    });

    it('refuses through the API data that fails its schema: 422 with each instance path', async () => {
      const answer = await call<Problem>('POST', '/v1/events', {
        type: invoicePaid,
        data: { amount: -5, currency: 'euro' },
      });
      assert.ok(isProblem(answer, 422), JSON.stringify(answer.body));
      assert.deepEqual(problemPaths(answer).sort(), ['data/amount', 'data/currency']);
    });

    it('accepts a type without a schema or not in the catalog', async () => {
      await createType({ name: `${run}.free` });
      for (const type of [`${run}.free`, `${run}.unknown`]) {
        const answer = await call<PublishedEventView>('POST', '/v1/events', {
          type,
          data: { anything: true },
        });
        assert.equal(answer.status, 202, JSON.stringify(answer.body));
      }
    });

    it('delivers a valid event to the receiver', async () => {
      const answer = await call<PublishedEventView>('POST', '/v1/events', {
        type: invoicePaid,
        data: { amount: 1200, currency: 'EUR' },
      });
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      const received = await waitFor('the valid event at the receiver', 30000, () =>
        receiver.requests.find(
          (request) => request.body.includes(answer.body.id) || request.body.includes('1200'),
        ),
      );
      assert.equal((JSON.parse(received.body) as { type: string }).type, invoicePaid);
      assert.ok(endpoint.id);
    });

    it('sends an event violating its schema through Kafka to webhooks.invalid with the errors, never to the receiver', async () => {
      const id = `evt_${run}_bad`;
      await producer.send({
        topic: topics.events,
        messages: [{ key: id, value: JSON.stringify({ type: invoicePaid, id, data: { amount: 'lots' } }) }],
      });
      const rejected = await rejectedEvent(id);
      assert.equal(rejected.reason, 'schema');
      assert.equal(rejected.topic, topics.events);
      const paths = rejected.errors.map((error) => error.path).sort();
      assert.deepEqual(paths, ['data', 'data/amount']);
      // A valid event published after it is delivered, so the router has moved past the bad one.
      const after = `evt_${run}_after`;
      await producer.send({
        topic: topics.events,
        messages: [
          {
            key: id,
            value: JSON.stringify({ type: invoicePaid, id: after, data: { amount: 1, currency: 'USD' } }),
          },
        ],
      });
      await waitFor('the next valid event at the receiver', 30000, () =>
        receiver.requests.find((request) => request.body.includes('"USD"')),
      );
      assert.equal(
        receiver.requests.filter((request) => request.body.includes('lots')).length,
        0,
        'the violating event is never delivered',
      );
    });

    it('follows a schema change without a restart', async () => {
      const changed = await call('PATCH', `/v1/event-types/${invoicePaid}`, {
        schema: { ...invoiceSchema, required: ['amount', 'currency', 'customer'] },
        examples: [],
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      const id = `evt_${run}_nocustomer`;
      await producer.send({
        topic: topics.events,
        messages: [
          { key: id, value: JSON.stringify({ type: invoicePaid, id, data: { amount: 1, currency: 'EUR' } }) },
        ],
      });
      const rejected = await rejectedEvent(id);
      assert.ok(
        rejected.errors.some((error) => /customer/.test(error.message)),
        JSON.stringify(rejected.errors),
      );
    });
  });

  describe('EVENT_TYPES_STRICT', () => {
    it('refuses an endpoint subscribing to types not in the catalog, naming them; known types and "*" pass', async () => {
      const known = `${run}.strict.known`;
      await createType({ name: known });
      const missing = `${run}.strict.missing`;
      const refused = await strict<Problem>('POST', '/v1/endpoints', {
        url: receiver.url,
        eventTypes: [known, missing, `${run}.nothing.*`],
      });
      assert.ok(isProblem(refused, 422), JSON.stringify(refused.body));
      assert.match(refused.body.detail, new RegExp(`${missing}.*${run}\\.nothing\\.\\*`));
      assert.ok(!refused.body.detail.includes(`${known},`), refused.body.detail);
      const created = await strict<CreatedEndpointView>('POST', '/v1/endpoints', {
        url: receiver.url,
        eventTypes: [known, `${run}.strict.*`, '*'],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const patched = await strict<Problem>('PATCH', `/v1/endpoints/${created.body.id}`, {
        eventTypes: [missing],
      });
      assert.ok(isProblem(patched, 422), JSON.stringify(patched.body));
      // Off (the default), any pattern goes.
      const lax = await call('POST', '/v1/endpoints', { url: receiver.url, eventTypes: [missing] });
      assert.equal(lax.status, 201, JSON.stringify(lax.body));
    });
  });

  describe('AsyncAPI', () => {
    it('serves the catalog as an AsyncAPI 3.0 document that the official parser accepts without errors', async () => {
      await createType({
        name: `${run}.with.defs`,
        schema: {
          $defs: { money: { type: 'integer' } },
          type: 'object',
          properties: { total: { $ref: '#/$defs/money' } },
        },
      });
      const answer = await call<Record<string, unknown>>('GET', '/v1/event-types/asyncapi.json');
      assert.equal(answer.status, 200);
      const { document, diagnostics } = await new Parser().parse(JSON.stringify(answer.body));
      // Severity 0 is an error (Spectral's DiagnosticSeverity.Error).
      const errors = diagnostics.filter((diagnostic) => Number(diagnostic.severity) === 0);
      assert.deepEqual(errors, []);
      assert.ok(document);
      assert.equal(document.version(), '3.0.0');
      const message = document
        .messages()
        .all()
        .find((item) => item.name() === invoicePaid);
      assert.ok(message, 'a message per type');
      const headers = Object.keys(message.headers()?.properties() ?? {});
      assert.deepEqual(headers.sort(), ['webhook-id', 'webhook-signature', 'webhook-timestamp']);
      const data = message.payload()?.properties()?.data;
      assert.deepEqual(data?.required(), ['amount', 'currency', 'customer']);
      const withDefs = document
        .messages()
        .all()
        .find((item) => item.name() === `${run}.with.defs`);
      assert.equal(withDefs?.payload()?.properties()?.data?.properties()?.total?.type(), 'integer');
    });

    it('is listed in the OpenAPI document with the catalog routes', async () => {
      const answer = await call<{ paths: Record<string, unknown> }>('GET', '/openapi.json', undefined, {
        token: null,
      });
      for (const path of ['/v1/event-types', '/v1/event-types/{name}', '/v1/event-types/asyncapi.json'])
        assert.ok(path in answer.body.paths, path);
    });
  });
});
