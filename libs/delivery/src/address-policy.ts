import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { BLOCKED_ADDRESS_CODE } from '@gateway/kafka';
import { boundedMemo } from './bounded-memo';

/** Ranges a delivery may never reach unless allow-listed: private, loopback, link-local, metadata, ... */
const blockedV4 = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const;
// ::/96: unspecified, loopback and the deprecated IPv4-compatible form (::a.b.c.d); IPv4-mapped ones are judged as IPv4.
// NAT64 (64:ff9b::/96, local-use 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo (2001::/32) embed an IPv4
// address that a translator inside the network may reach: refused as a whole.
const blockedV6 = [
  ['::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['2002::', 16],
  ['2001::', 32],
] as const;

export interface AddressPolicy {
  /** Whether a resolved IP address may be connected to. */
  allows(address: string): boolean;
}

function cidrList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, prefix] = cidr.split('/');
    const family = isIP(network ?? '') === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(network, Number(prefix), family);
  }
  return list;
}

/** The SSRF rule: refuse blocked ranges (IPv4-mapped IPv6 included) unless an allow-list CIDR covers them. */
export function createAddressPolicy(allowCidrs: readonly string[]): AddressPolicy {
  const blocked = new BlockList();
  for (const [network, prefix] of blockedV4) blocked.addSubnet(network, prefix, 'ipv4');
  for (const [network, prefix] of blockedV6) blocked.addSubnet(network, prefix, 'ipv6');
  const allowed = cidrList(allowCidrs);
  const judge = (address: string): boolean => {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const ip = mapped ?? address;
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(ip) === 0) return false;
    if (allowed.check(ip, family)) return true;
    return !blocked.check(ip, family);
  };
  // A verdict never changes for a policy; BlockList.check costs ~20 us, and literal-IP endpoints are checked per attempt.
  return { allows: boundedMemo(4096, judge) };
}

/** A delivery target resolved to (or is) a blocked address. */
export class BlockedAddressError extends Error {
  readonly code = BLOCKED_ADDRESS_CODE;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * Name resolution for a connector (`lookup`), so the SSRF check runs on the very addresses the
 * socket connects to and DNS rebinding cannot slip past it: a name with any blocked address fails
 * with a BlockedAddressError. `resolve` is replaceable in tests.
 */
export function guardedLookup(policy: AddressPolicy, resolve: typeof dnsLookup = dnsLookup): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = addresses.find((entry) => !policy.allows(entry.address));
      if (refused || addresses.length === 0) {
        return callback(
          new BlockedAddressError(
            `${hostname} resolves to ${refused?.address ?? 'nothing'}, a blocked address`,
          ),
          [],
        );
      }
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
