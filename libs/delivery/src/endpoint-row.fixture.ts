import type { EndpointTargetRow } from '@gateway/persistence';
import type { SendResult } from './destinations/destination';

/**
 * An endpoint as the live view serves it, for specs: frozen, since nothing may write the view's
 * rows (what the dispatcher decides about an endpoint is kept beside it).
 */
export const endpointRow = (overrides: Partial<EndpointTargetRow> = {}): EndpointTargetRow =>
  Object.freeze({
    id: 'ep_1',
    url: 'http://127.0.0.1:1/hook',
    destination: null,
    headers: {},
    ordered: false,
    enabled: true,
    rateLimit: null,
    retryPolicy: null,
    failingSince: null,
    secrets: [{ key: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', expiresAt: null }],
    unreadable: null,
    ...overrides,
  });

/** A receiver's answer with this status, for specs. */
export const answer = (statusCode: number, responseBody: string | null = null): SendResult => ({
  statusCode,
  error: null,
  retryAfterHeader: null,
  durationMs: 1,
  errorDetail: null,
  responseBody,
});
