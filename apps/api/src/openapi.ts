import { z } from 'zod';
import {
  attemptListQuery,
  attemptView,
  countView,
  deadLetterListQuery,
  deadLetterView,
  recoverBody,
  redriveBody,
  replayedDeliveryView,
  retryListQuery,
  retryView,
  createdEndpointView,
  createEndpointBody,
  deliveryListQuery,
  deliveryView,
  endpointListQuery,
  endpointView,
  eventListQuery,
  eventView,
  pageOf,
  publishedEventView,
  publishEventBody,
  rotateSecretBody,
  secretView,
  updateEndpointBody,
} from '@gateway/control';
import { createSourceBody, sourceListQuery, sourceView, updateSourceBody } from '@gateway/control';
import {
  createEventTypeBody,
  eventTypeListQuery,
  eventTypeView,
  updateEventTypeBody,
} from '@gateway/control';
import { componentSchemas, queryParameters } from './openapi-components';

type Json = Record<string, unknown>;

const problem = z.object({
  type: z.string().describe('A stable URN, e.g. urn:gateway:problem:validation_failed.'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z
    .array(
      z.object({
        path: z.string().describe('The field, dot-separated ("" for the whole body).'),
        message: z.string(),
      }),
    )
    .optional()
    .describe('For validation problems: one entry per bad field.'),
  correlationId: z
    .string()
    .optional()
    .describe('For 5xx answers: the id the gateway logged the failure under.'),
});

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (name: string) => ({ 'application/json': { schema: ref(name) } });
export const answer = (description: string, name?: string) =>
  name ? { description, content: json(name) } : { description };
export const problemAnswer = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
export const idParameter = (what: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description: `The ${what} id.`,
  schema: { type: 'string' },
});

export const errors = {
  badRequest: problemAnswer('Invalid input; `errors` names each field.'),
  unauthorized: problemAnswer('Missing or wrong bearer token.'),
  notFound: problemAnswer('No such id.'),
  unprocessable: problemAnswer('Refused by the event-type catalog; `errors` names each reason.'),
};

/** Replay, recover, retry and redrive: Kafka did not acknowledge the tasks. */
const kafkaUnavailable = {
  ...problemAnswer(
    'Kafka did not acknowledge the tasks; retry after `Retry-After` seconds (some may have been sent: receivers see the same webhook-id again).',
  ),
  headers: { 'Retry-After': { schema: { type: 'integer' } } },
};

/** One operation: its summary, answers, and the problems every /v1 route can give. */
export function operation(summary: string, responses: Json, extra: Json = {}): Json {
  return {
    summary,
    ...extra,
    responses: { ...responses, '400': errors.badRequest, '401': errors.unauthorized },
  };
}

export const body = (name: string, required = true) => ({ requestBody: { required, content: json(name) } });

const typeName = {
  name: 'name',
  in: 'path',
  required: true,
  description: 'The event type, e.g. invoice.paid.',
  schema: { type: 'string' },
};

function paths(): Json {
  const endpointId = [idParameter('endpoint')];
  return {
    '/v1/endpoints': {
      post: operation(
        'Create an endpoint',
        {
          '201': answer('The endpoint and, this once, its secret.', 'CreatedEndpoint'),
          '422': problemAnswer('EVENT_TYPES_STRICT is on and eventTypes names a type not in the catalog.'),
        },
        { tags: ['endpoints'], ...body('CreateEndpoint') },
      ),
      get: operation(
        'List endpoints (oldest first)',
        { '200': answer('A page of endpoints.', 'EndpointPage') },
        { tags: ['endpoints'], parameters: queryParameters(endpointListQuery) },
      ),
    },
    '/v1/endpoints/{id}': {
      get: operation(
        'Read an endpoint',
        { '200': answer('The endpoint.', 'Endpoint'), '404': errors.notFound },
        { tags: ['endpoints'], parameters: endpointId },
      ),
      patch: operation(
        'Change some fields of an endpoint',
        {
          '200': answer('The endpoint.', 'Endpoint'),
          '404': errors.notFound,
          '422': problemAnswer('EVENT_TYPES_STRICT is on and eventTypes names a type not in the catalog.'),
        },
        { tags: ['endpoints'], parameters: endpointId, ...body('UpdateEndpoint') },
      ),
      delete: operation(
        'Delete an endpoint and its secrets',
        { '204': answer('Deleted.'), '404': errors.notFound },
        { tags: ['endpoints'], parameters: endpointId },
      ),
    },
    '/v1/endpoints/{id}/secret': {
      get: operation(
        'The newest signing secret',
        { '200': answer('The secret.', 'Secret'), '404': errors.notFound },
        { tags: ['secrets'], parameters: endpointId },
      ),
    },
    '/v1/endpoints/{id}/secret/rotate': {
      post: operation(
        'Rotate the signing secret; the previous ones keep signing for the overlap',
        { '200': answer('The new secret.', 'Secret'), '404': errors.notFound },
        { tags: ['secrets'], parameters: endpointId, ...body('RotateSecret', false) },
      ),
    },
    '/v1/events': {
      post: operation(
        'Publish an event (the webhooks.events contract); answered after the Kafka ack',
        {
          '202': answer('Kafka acknowledged the event.', 'PublishedEvent'),
          '413': problemAnswer('The event is too large.'),
          '422': problemAnswer(
            "`data` fails its type's schema in the event-type catalog; `errors` gives each instance path (`data/...`) and message (at most 20). A type without a schema, or not in the catalog, is accepted.",
          ),
          '503': {
            ...problemAnswer(
              'Kafka did not acknowledge; retry after `Retry-After` seconds with the same id.',
            ),
            headers: { 'Retry-After': { schema: { type: 'integer' } } },
          },
        },
        { tags: ['events'], ...body('PublishEvent') },
      ),
      get: operation(
        'List recorded events (newest first)',
        { '200': answer('A page of events.', 'EventPage') },
        { tags: ['events'], parameters: queryParameters(eventListQuery) },
      ),
    },
    '/v1/events/{id}': {
      get: operation(
        'Read an event',
        { '200': answer('The event.', 'Event'), '404': errors.notFound },
        { tags: ['events'], parameters: [idParameter('event')] },
      ),
    },
    '/v1/events/{id}/deliveries': {
      get: operation(
        "An event's deliveries (one per endpoint)",
        { '200': answer('A page of deliveries.', 'DeliveryPage'), '404': errors.notFound },
        { tags: ['events'], parameters: [idParameter('event'), ...queryParameters(deliveryListQuery)] },
      ),
    },
    '/v1/deliveries/{id}/attempts': {
      get: operation(
        "A delivery's attempts, first to last",
        { '200': answer('A page of attempts.', 'AttemptPage'), '404': errors.notFound },
        { tags: ['deliveries'], parameters: [idParameter('delivery'), ...queryParameters(attemptListQuery)] },
      ),
    },
    '/v1/endpoints/{id}/retries': {
      get: operation(
        "An endpoint's pending retries, soonest first",
        { '200': answer('A page of retries with their due times.', 'RetryPage'), '404': errors.notFound },
        { tags: ['retries'], parameters: [idParameter('endpoint'), ...queryParameters(retryListQuery)] },
      ),
    },
    '/v1/endpoints/{id}/recover': {
      post: operation(
        'Send again every failed delivery (retrying, dead, or cancelled while the endpoint was disabled) of an endpoint created since a time',
        {
          '202': answer('How many deliveries were sent again.', 'Count'),
          '404': errors.notFound,
          '503': kafkaUnavailable,
        },
        { tags: ['retries'], parameters: [idParameter('endpoint')], ...body('Recover') },
      ),
    },
    '/v1/deliveries/{id}/retry': {
      post: operation(
        'Send one delivery again, as its next attempt (same webhook-id)',
        {
          '202': answer('The attempt that was queued.', 'ReplayedDelivery'),
          '404': errors.notFound,
          '503': kafkaUnavailable,
        },
        { tags: ['retries'], parameters: [idParameter('delivery')] },
      ),
    },
    '/v1/events/{id}/replay': {
      post: operation(
        'Deliver an event again to its current subscribers',
        {
          '202': answer('How many deliveries were sent.', 'Count'),
          '404': errors.notFound,
          '503': kafkaUnavailable,
        },
        { tags: ['retries'], parameters: [idParameter('event')] },
      ),
    },
    '/v1/dead-letters': {
      get: operation(
        'Dead letters, newest first',
        { '200': answer('A page of dead letters.', 'DeadLetterPage') },
        { tags: ['retries'], parameters: queryParameters(deadLetterListQuery) },
      ),
    },
    '/v1/dead-letters/redrive': {
      post: operation(
        'Send matching dead letters (not yet redriven) again',
        { '202': answer('How many deliveries were sent again.', 'Count'), '503': kafkaUnavailable },
        { tags: ['retries'], ...body('Redrive', false) },
      ),
    },
    '/v1/sources': {
      post: operation(
        'Create a source of inbound webhooks; answers its ingressUrl',
        { '201': answer('The source (its secrets are never returned).', 'Source') },
        { tags: ['sources'], ...body('CreateSource') },
      ),
      get: operation(
        'List sources (oldest first)',
        { '200': answer('A page of sources.', 'SourcePage') },
        { tags: ['sources'], parameters: queryParameters(sourceListQuery) },
      ),
    },
    '/v1/sources/{id}': {
      get: operation(
        'Read a source',
        { '200': answer('The source.', 'Source'), '404': errors.notFound },
        { tags: ['sources'], parameters: [idParameter('source')] },
      ),
      patch: operation(
        'Change some fields of a source (secrets: the whole list, e.g. [new, old] during a rotation)',
        { '200': answer('The source.', 'Source'), '404': errors.notFound },
        { tags: ['sources'], parameters: [idParameter('source')], ...body('UpdateSource') },
      ),
      delete: operation(
        'Delete a source; its ingress URL answers 404 from then on',
        { '204': answer('Deleted.'), '404': errors.notFound },
        { tags: ['sources'], parameters: [idParameter('source')] },
      ),
    },
    '/v1/event-types': {
      post: operation(
        'Add a type to the event-type catalog',
        {
          '201': answer('The type.', 'EventType'),
          '409': problemAnswer('A type of that name exists.'),
          '422': errors.unprocessable,
        },
        {
          tags: ['event-types'],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: ref('CreateEventType'),
                example: {
                  name: 'invoice.paid',
                  description: 'An invoice was paid in full.',
                  schema: {
                    type: 'object',
                    required: ['invoiceId', 'amount', 'currency'],
                    properties: {
                      invoiceId: { type: 'string', pattern: '^inv_[A-Za-z0-9]+$' },
                      amount: { type: 'integer', minimum: 0 },
                      currency: { type: 'string', enum: ['EUR', 'USD'] },
                    },
                  },
                  examples: [{ invoiceId: 'inv_1', amount: 1200, currency: 'EUR' }],
                },
              },
            },
          },
        },
      ),
      get: operation(
        'List the catalog (oldest first)',
        { '200': answer('A page of event types.', 'EventTypePage') },
        { tags: ['event-types'], parameters: queryParameters(eventTypeListQuery) },
      ),
    },
    '/v1/event-types/asyncapi.json': {
      get: operation(
        'The catalog as an AsyncAPI 3.0 document: one message per type, with its payload schema and the Standard Webhooks headers',
        {
          '200': {
            description: 'The AsyncAPI document.',
            content: { 'application/json': { schema: { type: 'object' } } },
          },
        },
        { tags: ['event-types'] },
      ),
    },
    '/v1/event-types/{name}': {
      get: operation(
        'Read an event type',
        { '200': answer('The type.', 'EventType'), '404': errors.notFound },
        { tags: ['event-types'], parameters: [typeName] },
      ),
      patch: operation(
        'Change some fields of an event type (its examples are checked against the resulting schema)',
        { '200': answer('The type.', 'EventType'), '404': errors.notFound, '422': errors.unprocessable },
        { tags: ['event-types'], parameters: [typeName], ...body('UpdateEventType') },
      ),
      delete: operation(
        'Remove a type from the catalog; its events are accepted without a check from then on',
        { '204': answer('Deleted.'), '404': errors.notFound },
        { tags: ['event-types'], parameters: [typeName] },
      ),
    },
    '/health/live': {
      get: {
        summary: 'Liveness',
        tags: ['operations'],
        security: [],
        responses: { '200': answer('The process runs.') },
      },
    },
    '/health/ready': {
      get: {
        summary: 'Readiness (Kafka and PostgreSQL)',
        tags: ['operations'],
        security: [],
        responses: { '200': answer('Ready.'), '503': answer('A dependency is down.') },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics',
        tags: ['operations'],
        security: [],
        responses: { '200': answer('Metrics in the text format.') },
      },
    },
  };
}

/** The control API's OpenAPI 3.1 document, built from the zod schemas the routes validate with. */
export function openApiDocument(): Json {
  const taken = new Set<string>();
  const requests = componentSchemas(
    {
      CreateEndpoint: createEndpointBody,
      UpdateEndpoint: updateEndpointBody,
      RotateSecret: rotateSecretBody,
      PublishEvent: publishEventBody,
      Recover: recoverBody,
      Redrive: redriveBody,
      CreateSource: createSourceBody,
      UpdateSource: updateSourceBody,
      CreateEventType: createEventTypeBody,
      UpdateEventType: updateEventTypeBody,
    },
    'input',
    taken,
  );
  const answers = componentSchemas(
    {
      Endpoint: endpointView,
      CreatedEndpoint: createdEndpointView,
      EndpointPage: pageOf(endpointView),
      Secret: secretView,
      PublishedEvent: publishedEventView,
      Event: eventView,
      EventPage: pageOf(eventView),
      Delivery: deliveryView,
      DeliveryPage: pageOf(deliveryView),
      Attempt: attemptView,
      AttemptPage: pageOf(attemptView),
      Retry: retryView,
      RetryPage: pageOf(retryView),
      DeadLetter: deadLetterView,
      DeadLetterPage: pageOf(deadLetterView),
      Count: countView,
      ReplayedDelivery: replayedDeliveryView,
      Source: sourceView,
      SourcePage: pageOf(sourceView),
      EventType: eventTypeView,
      EventTypePage: pageOf(eventTypeView),
      Problem: problem,
    },
    'output',
    taken,
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Webhook gateway control API',
      version: '1',
      description:
        'Endpoints, secrets, publishing and the event log. Every /v1 call needs `Authorization: Bearer <ADMIN_TOKEN or an API key>`. ' +
        'Lists are `{ data, nextCursor }` with `?limit=&cursor=`; errors are `application/problem+json`.',
    },
    security: [{ bearerAuth: [] }],
    tags: [
      { name: 'endpoints' },
      { name: 'secrets' },
      { name: 'events' },
      { name: 'deliveries' },
      { name: 'retries' },
      { name: 'sources' },
      { name: 'event-types' },
      { name: 'operations' },
    ],
    paths: paths(),
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN.' } },
      schemas: { ...requests, ...answers },
    },
  };
}
