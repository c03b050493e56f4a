import net from 'node:net';
import tls from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/** What a client outside the gateway's own cluster may connect to (the delivery's SSRF guard). */
export interface AddressGuard {
  /** Name resolution that fails for a blocked address (net's `lookup` option). */
  lookup: net.LookupFunction;
  allows(address: string): boolean;
}

/** Names a refused connection; the delivery classifies an error carrying it as a blocked target. */
export const BLOCKED_ADDRESS_CODE = 'ERR_SSRF_BLOCKED';

/**
 * KafkaJS's own socket factory with the guard on every connection, bootstrap and advertised
 * brokers alike: a literal address is checked before connecting, a name where it resolves (so DNS
 * rebinding cannot slip past it). KafkaJS reports a refusal as a connection error whose message
 * carries `BLOCKED_ADDRESS_CODE`.
 */
export function guardedSocketFactory(guard: AddressGuard): ISocketFactory {
  return ({ host, port, ssl, onConnect }) => {
    const literal = net.isIP(host) !== 0;
    if (literal && !guard.allows(host))
      throw Object.assign(new Error(`${host} is a blocked address (${BLOCKED_ADDRESS_CODE})`), {
        code: BLOCKED_ADDRESS_CODE,
      });
    const socket = ssl
      ? tls.connect(
          { host, port, lookup: guard.lookup, ...(literal ? {} : { servername: host }), ...ssl },
          onConnect,
        )
      : net.connect({ host, port, lookup: guard.lookup }, onConnect);
    socket.setKeepAlive(true, 60_000);
    return socket;
  };
}
