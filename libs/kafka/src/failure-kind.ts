/**
 * Why handling a message failed, which decides what a consumer does next (ADR 0018):
 * - `transient`: Kafka or PostgreSQL unreachable, a timeout, a lock, a server shutting down. The
 *   same message succeeds later: retry with backoff, the partition waits.
 * - `message`: about this message's content: a PostgreSQL data error (SQLSTATE class 22, data
 *   exception; 23, integrity constraint; 54, program limit such as an index row too large), or any
 *   exception thrown while handling it that is not an outage. Retrying cannot help: the message goes
 *   to the invalid topic and the partition moves on. Consumers decide this only for a message that
 *   fails alone (a batch that fails is handled again one message at a time first).
 */
export type FailureKind = 'transient' | 'message';

/** SQLSTATE classes caused by the data a statement carries. */
const DATA_CLASSES = new Set(['22', '23', '54']);
const SQLSTATE = /^[0-9A-Z]{5}$/;
/** Node's system errors (ECONNREFUSED, ETIMEDOUT, EPIPE...) and undici's (UND_ERR_...). */
const SYSTEM_CODE = /^(E[A-Z0-9_]+|UND_ERR_[A-Z_]+)$/;
/** node-postgres and TypeORM name a lost or unavailable connection only in their messages. */
const CONNECTION_MESSAGE =
  /connection terminated|connection ended|timeout exceeded when trying to connect|not queryable|connection error|cannot use a pool after calling end|connection is not established|driver not connected|query read timeout/i;

export function failureKind(error: unknown): FailureKind {
  for (const link of errorChain(error)) {
    const kind = kindOf(link);
    if (kind) return kind;
  }
  return 'message';
}

/** What one error of a chain says by itself; undefined when only its causes can tell. */
function kindOf(error: unknown): FailureKind | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string' && SQLSTATE.test(code) && !SYSTEM_CODE.test(code))
    return DATA_CLASSES.has(code.slice(0, 2)) ? 'message' : 'transient';
  if (code === 'kafka_unavailable' || (typeof code === 'string' && SYSTEM_CODE.test(code)))
    return 'transient';
  if (
    typeof name === 'string' &&
    (name.startsWith('KafkaJS') || name === 'TimeoutError' || name === 'AbortError')
  )
    return 'transient';
  if (typeof message === 'string' && CONNECTION_MESSAGE.test(message)) return 'transient';
  return undefined;
}

/**
 * An error and the causes it wraps, outermost first (KafkaJS wraps a connection error in "retries
 * exceeded", TypeORM a driver error in a query error), at most six deep.
 */
export function errorChain(error: unknown): unknown[] {
  const chain = [error];
  for (let current = error; chain.length < 6; chain.push(current)) {
    current =
      typeof current === 'object' && current !== null ? (current as { cause?: unknown }).cause : undefined;
    if (current === undefined || current === null) break;
  }
  return chain;
}

/** One line naming a failure for the invalid topic: its SQLSTATE when PostgreSQL's, cut to 500 characters. */
export function describeFailure(error: unknown): string {
  const { code, name, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
  };
  const text = `${typeof name === 'string' ? name : 'Error'}${typeof code === 'string' ? ` ${code}` : ''}: ${typeof message === 'string' ? message : String(error)}`;
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}

/**
 * SQLSTATE classes of a server that cannot serve now: 08 connection exception, 40 transaction
 * rollback (serialization failure, deadlock), 53 insufficient resources, 57 operator intervention
 * (shutting down, cannot connect now).
 */
const UNAVAILABLE_CLASSES = new Set(['08', '40', '53', '57']);

/**
 * Whether an error says a dependency (PostgreSQL, Kafka) is down or busy, rather than that the
 * request or the code is wrong: a caller's answer is then 503 with Retry-After, never a 500. A
 * statement PostgreSQL refuses for what it says (a syntax error, a raised exception) is not an
 * outage, though a consumer may still retry it (`failureKind`).
 */
export function dependencyUnavailable(error: unknown): boolean {
  return errorChain(error).some((link) => {
    if (typeof link !== 'object' || link === null) return false;
    const { code, name, message } = link as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && SQLSTATE.test(code) && !SYSTEM_CODE.test(code))
      return UNAVAILABLE_CLASSES.has(code.slice(0, 2));
    if (code === 'kafka_unavailable' || (typeof code === 'string' && SYSTEM_CODE.test(code))) return true;
    if (typeof name === 'string' && (name.startsWith('KafkaJS') || name === 'TimeoutError')) return true;
    return typeof message === 'string' && CONNECTION_MESSAGE.test(message);
  });
}
