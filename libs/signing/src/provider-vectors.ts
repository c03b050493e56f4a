import { readFileSync } from 'node:fs';
import type { ProviderKey } from './verify-inbound';

/**
 * One case of the provider signature vectors (`test/fixtures/provider-vectors.json`, a copy of the
 * shared `providers.json`): a request as a provider sends it and whether it must verify at
 * `timestamp_now`. Exported so that any conformance test reads the one format the one way.
 */
export interface ProviderVector {
  id: string;
  provider: ProviderKey;
  secret?: string;
  public_key?: string;
  headers: Record<string, string>;
  body: string;
  url?: string;
  timestamp_now: number;
  tolerance_seconds: number | null;
  expect: 'valid' | 'invalid';
  reason?: string;
  expected_response?: { status: number; json: unknown };
}

/** Reads a vectors file (a JSON array of `ProviderVector`). */
export const readProviderVectors = (file: string): ProviderVector[] =>
  JSON.parse(readFileSync(file, 'utf8')) as ProviderVector[];
