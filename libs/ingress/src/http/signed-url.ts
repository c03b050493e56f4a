/**
 * The URL a provider called, which Twilio and Square sign. The ingress sits behind a proxy, so the
 * URL it sees (`http://10.0.0.7:8081/in/src_1?x=1`) is not the one the provider signed: the public
 * part comes from PUBLIC_BASE_URL and, only when the operator trusts the proxy, from forwarded
 * headers. Each forwarded header replaces its part of the base: the scheme (`X-Forwarded-Proto`,
 * `Forwarded: proto=`), the host (`X-Forwarded-Host`, `Forwarded: host=`, with `X-Forwarded-Port`),
 * the path prefix (`X-Forwarded-Prefix`) or the whole original path and query (`X-Forwarded-Uri`).
 * The path and query received are kept byte for byte: a re-encoded query would break the signature.
 */

export interface PublicBase {
  scheme: 'http' | 'https';
  /** host[:port] as written in the base URL (a default port is dropped by URL parsing). */
  authority: string;
  /** '' or a prefix such as '/hooks' (no trailing slash). */
  prefix: string;
}

export function parsePublicBase(baseUrl: string): PublicBase {
  const url = new URL(baseUrl);
  return {
    scheme: url.protocol === 'https:' ? 'https' : 'http',
    authority: url.host,
    prefix: url.pathname.replace(/\/+$/, ''),
  };
}

type Headers = Record<string, string | string[] | undefined>;

/** The first value of a possibly repeated, comma-separated header (the hop closest to the client). */
function first(headers: Headers, name: string): string | undefined {
  const raw = headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  const head = value?.split(',')[0]?.trim();
  return head ? head : undefined;
}

/** `proto` and `host` of the first element of an RFC 7239 `Forwarded` header. */
function forwardedPairs(headers: Headers): { proto?: string; host?: string } {
  const element = first(headers, 'forwarded');
  if (!element) return {};
  const pairs: Record<string, string> = {};
  for (const pair of element.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    const name = pair.slice(0, at).trim().toLowerCase();
    pairs[name] = pair
      .slice(at + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { proto: pairs.proto, host: pairs.host };
}

const validScheme = (value: string | undefined): 'http' | 'https' | undefined => {
  const lower = value?.toLowerCase();
  return lower === 'http' || lower === 'https' ? lower : undefined;
};
const validHost = (value: string | undefined) =>
  value && /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(value) ? value : undefined;
const validPath = (value: string | undefined) =>
  value && value.startsWith('/') && !/[\s#]/.test(value) ? value : undefined;
const validPort = (value: string | undefined) => (value && /^\d{1,5}$/.test(value) ? value : undefined);

const defaultPorts = { http: '80', https: '443' } as const;

/**
 * The signed URL of a request that arrived with `pathAndQuery` (Fastify's `request.url`, the raw
 * request target).
 */
export function signedUrl(
  base: PublicBase,
  pathAndQuery: string,
  headers: Headers,
  trustForwarded: boolean,
): string {
  if (!trustForwarded) return `${base.scheme}://${base.authority}${base.prefix}${pathAndQuery}`;
  const forwarded = forwardedPairs(headers);
  const scheme =
    validScheme(forwarded.proto) ?? validScheme(first(headers, 'x-forwarded-proto')) ?? base.scheme;
  let authority =
    validHost(forwarded.host) ?? validHost(first(headers, 'x-forwarded-host')) ?? base.authority;
  const port = validPort(first(headers, 'x-forwarded-port'));
  if (port && !/:\d+$/.test(authority) && port !== defaultPorts[scheme]) authority = `${authority}:${port}`;
  const uri = validPath(first(headers, 'x-forwarded-uri'));
  if (uri) return `${scheme}://${authority}${uri}`;
  const prefix = validPath(first(headers, 'x-forwarded-prefix'))?.replace(/\/+$/, '') ?? base.prefix;
  return `${scheme}://${authority}${prefix}${pathAndQuery}`;
}
