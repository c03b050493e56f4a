import type { ApiKeyRecord, ApiKeysRepository } from '@gateway/persistence';
import { keyMatches, prefixOf } from './api-key-secret';
import { adminCaller, scope, type Caller } from './scopes';
import type { KeyUsage } from './key-usage';

interface Cached {
  row: ApiKeyRecord | undefined;
  loadedAt: number;
}

const MAX_CACHED = 10_000;
const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Turns an `Authorization` header into a caller: the admin token, or an API key that is neither
 * revoked nor expired. Keys are cached by prefix (unknown prefixes too), so a request costs no
 * database round trip; `forget` (called on the `api_keys_changed` NOTIFY) drops a changed key at
 * once, and `ttlMs` bounds how stale an entry gets if a notification is ever missed.
 */
export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, Cached>();
  /** Bumped by every `forget`: a load that started before it does not cache what it read. */
  private epoch = 0;

  constructor(
    private readonly keys: Pick<ApiKeysRepository, 'findByPrefix'>,
    private readonly isAdmin: (authorization: string | undefined) => boolean,
    private readonly usage: Pick<KeyUsage, 'note'>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(authorization: string | undefined): Promise<Caller | undefined> {
    const token = bearer.exec(authorization ?? '')?.[1];
    const prefix = token === undefined ? undefined : prefixOf(token);
    if (token === undefined || prefix === undefined) {
      return this.isAdmin(authorization) ? adminCaller : undefined;
    }
    const row = await this.load(prefix);
    if (!row || !keyMatches(token, row.hash)) return undefined;
    if (row.revokedAt !== null || (row.expiresAt !== null && row.expiresAt.getTime() <= this.now())) {
      return undefined;
    }
    this.usage.note(row.id);
    return {
      actor: row.id,
      tenant: row.tenant,
      scopes: new Set(
        row.scopes.flatMap((name) => (scope.safeParse(name).success ? [scope.parse(name)] : [])),
      ),
    };
  }

  /** Drops one key (a NOTIFY names its prefix) or, without a prefix, every key (the listener reconnected). */
  forget(prefix: string | undefined): void {
    this.epoch++;
    if (prefix === undefined) this.cache.clear();
    else this.cache.delete(prefix);
  }

  private async load(prefix: string): Promise<ApiKeyRecord | undefined> {
    const cached = this.cache.get(prefix);
    if (cached && this.now() - cached.loadedAt < this.ttlMs) return cached.row;
    const epoch = this.epoch;
    const row = await this.keys.findByPrefix(prefix);
    if (epoch !== this.epoch) return row;
    // Made-up prefixes are cached too; a flood of them must not grow the map without end.
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(prefix, { row, loadedAt: this.now() });
    return row;
  }
}
