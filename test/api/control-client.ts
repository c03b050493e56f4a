/** A small client of the control API for the specs: JSON in, status + headers + parsed body out. */
export interface ApiAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
}

export interface CallOptions {
  /** Another token than the client's; null sends no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
  /** A body sent as is (for malformed JSON). */
  raw?: string;
}

export type ApiCall = <T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  options?: CallOptions,
) => Promise<ApiAnswer<T>>;

export function controlClient(baseUrl: string, token: string): ApiCall {
  return async <T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options: CallOptions = {},
  ): Promise<ApiAnswer<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    const presented = options.token === undefined ? token : options.token;
    if (presented !== null) headers.authorization = `Bearer ${presented}`;
    const payload = body === undefined ? options.raw : JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    const json = /json/.test(response.headers.get('content-type') ?? '') && text !== '';
    return {
      status: response.status,
      headers: response.headers,
      body: (json ? JSON.parse(text) : text) as T,
    };
  };
}

/** The field paths a validation problem names. */
export function problemPaths(answer: ApiAnswer<Problem>): string[] {
  return (answer.body.errors ?? []).map((error) => error.path);
}

/** Asserts the RFC 9457 shape every error of the API has. */
export function isProblem(answer: ApiAnswer<unknown>, status: number): answer is ApiAnswer<Problem> {
  const body = answer.body as Partial<Problem>;
  return (
    answer.status === status &&
    /^application\/problem\+json/.test(answer.headers.get('content-type') ?? '') &&
    typeof body.type === 'string' &&
    typeof body.title === 'string' &&
    body.status === status &&
    typeof body.detail === 'string'
  );
}
