import createClient, { type Middleware } from 'openapi-fetch';
import { currentToken } from '../session';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

const bearer: Middleware = {
  onRequest({ request }) {
    const token = currentToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
};

/** The typed client of the control API, generated from its OpenAPI document (npm run console:api). */
export const api = createClient<paths>({ baseUrl: '' });
api.use(bearer);

/** One line for an RFC 9457 problem (or whatever else an error answer carried). */
export function problemText(error: unknown, status: number): string {
  if (error && typeof error === 'object') {
    const problem = error as {
      title?: string;
      detail?: string;
      errors?: { path: string; message: string }[];
    };
    const fields = problem.errors?.map((item) => `${item.path || 'body'}: ${item.message}`).join('; ');
    return [problem.title ?? `HTTP ${status}`, problem.detail, fields].filter(Boolean).join(' — ');
  }
  return `HTTP ${status}`;
}
