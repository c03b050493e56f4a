import { errorChain } from './failure-kind';

/** Node's TLS verification failures (the broker's certificate is not trusted or not for this host). */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  broker?: string;
  cause?: unknown;
}

/** The innermost cause KafkaJS wrapped (retries exceeded around a connection error, and so on). */
function innermost(error: unknown): ErrorLike {
  const inner = errorChain(error).at(-1);
  return typeof inner === 'object' && inner !== null ? inner : { message: String(inner) };
}

/**
 * One line that names why a Kafka client could not connect, and what to set. It never holds a
 * secret: KafkaJS's messages name the mechanism and broker, never the password.
 */
export function describeKafkaError(error: unknown): string {
  const inner = innermost(error);
  const message = String(inner.message ?? error).split('\n')[0];
  const at = inner.broker ? ` (${inner.broker})` : '';
  if (inner.name === 'KafkaJSSASLAuthenticationError') {
    return `SASL authentication failed${at}: ${message}; check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`;
  }
  if (inner.code && UNTRUSTED.has(inner.code)) {
    return `TLS: the broker's certificate is not trusted${at} (${inner.code}); set KAFKA_SSL_CA_FILE to the CA that signed it`;
  }
  if (inner.code === 'CERT_HAS_EXPIRED') return `TLS: the broker's certificate has expired${at}`;
  if (inner.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `TLS: the broker's certificate does not name the host we connected to${at}; check KAFKA_BROKERS against the certificate`;
  }
  if (
    inner.code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    /wrong version number|packet length too long/i.test(message)
  ) {
    return `TLS: the broker did not answer TLS${at}; its listener is plaintext, so set KAFKA_SSL=false or use its TLS port`;
  }
  if (inner.code === 'ECONNREFUSED') return `no broker accepts connections${at}; check KAFKA_BROKERS`;
  if (
    inner.name === 'KafkaJSConnectionClosedError' ||
    /closed by the server|Closed connection/i.test(message)
  ) {
    return `the broker closed the connection${at}; if its listener wants TLS or SASL, set KAFKA_SSL and KAFKA_SASL_*`;
  }
  if (/timeout/i.test(message)) return `no answer from the broker${at}: ${message}`;
  return `${message}${at}`;
}
