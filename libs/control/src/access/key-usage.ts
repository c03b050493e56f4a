import type { ApiKeysRepository } from '@gateway/persistence';

/**
 * Collects which keys were used and writes `last_used_at` for all of them in one statement every
 * `intervalMs`, never one write per request. A failed write is retried at the next flush.
 */
export class KeyUsage {
  private used = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly keys: Pick<ApiKeysRepository, 'touch'>,
    intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  note(keyId: string): void {
    this.used.add(keyId);
  }

  async flush(): Promise<void> {
    if (this.used.size === 0) return;
    const batch = this.used;
    this.used = new Set();
    try {
      await this.keys.touch([...batch]);
    } catch (error) {
      for (const id of batch) this.used.add(id);
      this.onError(error);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
