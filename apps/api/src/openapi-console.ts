import {
  endpointStatsView,
  healthOverviewView,
  meView,
  portalSessionBody,
  portalSessionView,
  sourceStatsView,
  statsQuery,
  testEventBody,
  testEventView,
} from '@gateway/control';
import { answer, body, errors, idParameter, operation, problemAnswer } from './openapi';
import { componentSchemas, queryParameters } from './openapi-components';

type Json = Record<string, unknown>;

const kafkaUnavailable = {
  ...problemAnswer('Kafka did not acknowledge the task; retry after `Retry-After` seconds.'),
  headers: { 'Retry-After': { schema: { type: 'integer' } } },
};

/** The console's and the portal's routes (ADR 0030). */
export function consolePaths(): Json {
  return {
    '/v1/me': {
      get: operation('Who this credential is (admin or key, tenant, scopes, expiry) and its branding', {
        '200': answer('The caller.', 'Me'),
      }),
    },
    '/v1/tenants/{id}/portal-sessions': {
      post: operation(
        "Open a tenant portal session: a short-lived API key of the tenant with the portal's scopes (endpoints:read, endpoints:write, events:read, deliveries:replay), in a URL to open or embed",
        {
          '201': answer(
            'The session: its URL (token in the fragment), the token, its expiry and scopes.',
            'PortalSession',
          ),
          '404': errors.notFound,
        },
        { tags: ['tenants'], parameters: [idParameter('tenant')], ...body('OpenPortalSession', false) },
      ),
    },
    '/v1/endpoints/{id}/test-event': {
      post: operation(
        'Send a test event to this endpoint only (recorded in the event log as its tenant’s event)',
        {
          '202': answer('Kafka acknowledged the delivery task.', 'TestEvent'),
          '404': errors.notFound,
          '503': kafkaUnavailable,
        },
        { tags: ['endpoints'], parameters: [idParameter('endpoint')], ...body('SendTestEvent', false) },
      ),
    },
    '/v1/endpoints/{id}/stats': {
      get: operation(
        "An endpoint's deliveries over time, by creation bucket: how many, delivered, failing (retrying or dead), and the p95 duration of their attempts",
        {
          '200': answer('Every bucket of the window, oldest first.', 'EndpointStats'),
          '404': errors.notFound,
        },
        { tags: ['endpoints'], parameters: [idParameter('endpoint'), ...queryParameters(statsQuery)] },
      ),
    },
    '/v1/sources/{id}/stats': {
      get: operation(
        "A source's inbound requests over time: verified, duplicates, refused and why (the ingress's counters, flushed about every 10 s, best-effort)",
        { '200': answer('Every bucket of the window, oldest first.', 'SourceStats'), '404': errors.notFound },
        { tags: ['sources'], parameters: [idParameter('source'), ...queryParameters(statsQuery)] },
      ),
    },
    '/v1/health/overview': {
      get: operation(
        "The services' readiness (HEALTH_SERVICE_URLS), consumer lag per group and topic, and the dispatcher's open or half-open circuit breakers; a down service is ready: false, never an error",
        { '200': answer('The overview.', 'HealthOverview') },
        { tags: ['operations'] },
      ),
    },
  };
}

/** The schemas the console's routes name. */
export function consoleSchemas(taken: Set<string>): Json {
  return {
    ...componentSchemas(
      { OpenPortalSession: portalSessionBody, SendTestEvent: testEventBody },
      'input',
      taken,
    ),
    ...componentSchemas(
      {
        Me: meView,
        PortalSession: portalSessionView,
        TestEvent: testEventView,
        EndpointStats: endpointStatsView,
        SourceStats: sourceStatsView,
        HealthOverview: healthOverviewView,
      },
      'output',
      taken,
    ),
  };
}
