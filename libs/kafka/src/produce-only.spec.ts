import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import * as schemas from '@gateway/schemas';

/**
 * Every write to Kafka from libs/ and apps/ goes through BatchingProducer.produce, which keys and
 * encodes a value as its contract says (issue 20). The compiler refuses most bypasses already
 * (produce is the producer's only public send, and it takes a contract's values, not text; eslint
 * keeps kafkajs inside libs/kafka); this reads the sources' syntax trees for the rest. Specs are not
 * read: they build fakes and raw values on purpose; nor are test/ and bench/, which publish with a
 * bare Kafka client, as any internal service would.
 */

const KAFKA_LIB = 'libs/kafka/src/';
/**
 * The one other producer: a Kafka destination's writer, which sends an endpoint's signed message to
 * a topic outside the gateway's contracts (ADR 0021), so it has no contract to produce.
 */
const TOPIC_WRITER = 'topic-writer.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

interface Found {
  where: string;
  node: ts.Node;
}

/** Every node of libs/ and apps/ sources that `pick` names, with where it is. */
function find(pick: (node: ts.Node) => boolean): Found[] {
  return trees.flatMap(({ file, tree }) => {
    const found: Found[] = [];
    const visit = (node: ts.Node): void => {
      if (pick(node)) {
        const line = tree.getLineAndCharacterOfPosition(node.getStart(tree)).line + 1;
        found.push({ where: `${file}:${line}`, node });
      }
      ts.forEachChild(node, visit);
    };
    visit(tree);
    return found;
  });
}

const trees = ['libs', 'apps'].flatMap(sources).map((full) => {
  const file = full.split(path.sep).join('/');
  return { file, tree: ts.createSourceFile(file, readFileSync(full, 'utf8'), ts.ScriptTarget.Latest, true) };
});

/** A call of `<receiver>.<method>(…)` for one of `methods`. */
const callOf =
  (...methods: string[]) =>
  (node: ts.Node): node is ts.CallExpression =>
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    methods.includes(node.expression.name.text);

/** `receiver.method` as written; a receiver that is itself a call reads `(…)`. */
function callName(node: ts.Node): string {
  const callee = (node as ts.CallExpression).expression as ts.PropertyAccessExpression;
  const receiver = ts.isCallExpression(callee.expression) ? '(…)' : callee.expression.getText();
  return `${receiver}.${callee.name.text}`;
}

/**
 * What else is called `send`, and why it is not Kafka. Keyed by the call as written, not by
 * file, so that moving code keeps the rule.
 */
const notKafka: Record<string, string> = {
  '(…).send': "Fastify's reply.code(…).type(…).send(…): an HTTP answer",
  'this.sendMany': "AdaptiveBatcher's own port: the batch it was given to send",
  'this.sender.send': "HttpDestination's OutboundRequest: one attempt's HTTP request to an endpoint",
  'writer.send': 'an AdaptiveBatcher: the ingress journal writer, which batches values for produce()',
  'claims.send': "an AdaptiveBatcher of the router's claim statements (PostgreSQL)",
  'marks.send': "an AdaptiveBatcher of the router's routed marks (PostgreSQL)",
  'attemptWriter.send': "an AdaptiveBatcher of the dispatcher's attempt records (PostgreSQL)",
  'attemptLookup.send': "an AdaptiveBatcher of the dispatcher's recorded-attempt lookups (PostgreSQL)",
};

const isTopicWriterSend = (where: string, node: ts.Node): boolean =>
  where.startsWith(`${KAFKA_LIB}${TOPIC_WRITER}:`) && callName(node) === 'this.producer.send';

/** Files whose objects with a `key` and a `value` are no Kafka message, and what they are. */
const notMessages: Record<string, string> = {
  'libs/delivery/src/destinations/kafka/kafka-destination.ts':
    "a Kafka destination's record: the signed message TopicWriter writes to a topic outside the gateway",
  'libs/schemas/src/storable-text.ts': 'the steps of a walk over a parsed value (its value, key and parent)',
};

const propertyNames = (node: ts.ObjectLiteralExpression): string[] =>
  node.properties.flatMap((property) =>
    (ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) &&
    ts.isIdentifier(property.name)
      ? [property.name.text]
      : [],
  );

describe('produce() is the only way to Kafka', () => {
  it('creates producers in BatchingProducer and TopicWriter alone', () => {
    const found = find(callOf('producer', 'sendBatch')).map(
      ({ where, node }) => `${where} ${callName(node)}`,
    );
    assert.equal(found.length, 3, found.join('\n'));
    for (const line of found)
      assert.ok(
        line.startsWith(`${KAFKA_LIB}batching-producer.ts:`) ||
          line.startsWith(`${KAFKA_LIB}${TOPIC_WRITER}:`),
        line,
      );
  });

  it('calls send and sendMany only on things that are not Kafka producers', () => {
    const sends = find(callOf('send', 'sendMany'));
    assert.ok(sends.length > 0, 'the scan finds calls');
    assert.deepEqual(
      sends
        .filter(({ node }) => !Object.hasOwn(notKafka, callName(node)))
        .filter(({ where, node }) => !isTopicWriterSend(where, node))
        .map(({ where, node }) => `${where} ${callName(node)}`),
      [],
      'produce(contract, values) instead, or name it in notKafka with its reason',
    );
  });

  it('produces a topic contract, named as @gateway/schemas exports it', () => {
    const contracts = new Set<unknown>(Object.values(schemas.topicContracts));
    const names = new Set(
      Object.entries(schemas)
        .filter(([, value]) => contracts.has(value))
        .map(([name]) => name),
    );
    assert.equal(names.size, contracts.size, 'every topic contract is exported under a name');
    const produced = find(callOf('produce'));
    assert.ok(produced.length > 0, 'the scan finds produce calls');
    assert.deepEqual(
      produced
        .filter(({ node }) => {
          const [first] = (node as ts.CallExpression).arguments;
          return !(first && ts.isIdentifier(first) && names.has(first.text));
        })
        .map(({ where, node }) => `${where} ${node.getText().slice(0, 60)}`),
      [],
      "produce's first argument is a contract of @gateway/schemas, by its name",
    );
  });

  it('builds no message with a key of its own outside libs/kafka', () => {
    const handBuilt = find(
      (node) =>
        ts.isObjectLiteralExpression(node) &&
        propertyNames(node).includes('key') &&
        propertyNames(node).includes('value'),
    )
      .filter(({ where }) => !where.startsWith(KAFKA_LIB) && !Object.hasOwn(notMessages, where.split(':')[0]))
      .map(({ where }) => where);
    assert.deepEqual(handBuilt, [], 'an object with a key and a value: produce(contract, values) keys it');
  });
});
