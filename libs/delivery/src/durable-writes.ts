import { failureKind } from '@gateway/kafka';
import type { Logger } from '@gateway/observability';

/**
 * Retries a durable write (or read) until it succeeds, or until shutdown, so no outcome is ever
 * dropped. A failure about the data written (`failureKind` 'message': a constraint, a value
 * PostgreSQL refuses) is not retried: it would fail the same way forever. It is thrown to the caller.
 */
export class DurableWrites {
  constructor(
    private readonly logger: Logger,
    readonly stopping: () => boolean,
  ) {}

  async write(write: () => Promise<void>): Promise<void> {
    for (let delay = 100; ; delay = Math.min(delay * 2, 5000)) {
      try {
        return await write();
      } catch (error) {
        if (this.stopping() || failureKind(error) === 'message') throw error;
        this.logger.warn({ err: error }, 'durable write failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async read<T>(read: () => Promise<T>): Promise<T> {
    let result!: T;
    await this.write(async () => {
      result = await read();
    });
    return result;
  }
}
