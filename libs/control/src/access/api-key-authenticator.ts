import type { ApiKeyRecord, ApiKeysRepository } from '@gateway/persistence';
import { keyMatches, prefixOf } from './api-key-secret';
import { adminCaller, scope, type Caller } from './scopes';
import type { KeyUsage } from './key-usage';

interface Cached {
  row: ApiKeyRecord | undefined;
  /** Built once per load, not per request (the hot path only compares a hash). */
  caller: Caller | undefined;
  loadedAt: number;
}

const callerOf = (row: ApiKeyRecord): Caller => ({
  actor: row.id,
  tenant: row.tenant,
  expiresAt: row.expiresAt,
  scopes: new Set(
    row.scopes.flatMap((name) => {
      const parsed = scope.safeParse(name);
      return parsed.success ? [parsed.data] : [];
    }),
  ),
});

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
    const entry = await this.load(prefix);
    const row = entry.row;
    if (!row || !entry.caller || !keyMatches(token, row.hash)) return undefined;
    if (row.revokedAt !== null || (row.expiresAt !== null && row.expiresAt.getTime() <= this.now())) {
      return undefined;
    }
    this.usage.note(row.id);
    return entry.caller;
  }

  /** Drops one key (a NOTIFY names its prefix) or, without a prefix, every key (the listener reconnected). */
  forget(prefix: string | undefined): void {
    this.epoch++;
    if (prefix === undefined) this.cache.clear();
    else this.cache.delete(prefix);
  }

  private async load(prefix: string): Promise<Cached> {
    const cached = this.cache.get(prefix);
    if (cached && this.now() - cached.loadedAt < this.ttlMs) return cached;
    const epoch = this.epoch;
    const row = await this.keys.findByPrefix(prefix);
    const entry = { row, caller: row && callerOf(row), loadedAt: this.now() };
    if (epoch !== this.epoch) return entry;
    // Made-up prefixes are cached too; a flood of them must not grow the map without end.
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(prefix, entry);
    return entry;
  }
}
