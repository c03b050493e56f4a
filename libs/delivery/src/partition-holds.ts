import { metrics, type Logger } from '@gateway/observability';
import type { DispatcherPorts } from './dispatcher-ports';

/**
 * Paused partitions of the deliveries topic, each with the endpoints whose full backlog holds it
 * (an ordered one's, or a healthy one's that drains soon). A partition fetches again once none
 * holds it. KafkaJS refuses a pause or resume while its consumer is stopped or restarting: that is
 * logged, never thrown, and the next task over a limit pauses again.
 */
export class PartitionHolds {
  /** Partition → holding endpoint → whether that endpoint is ordered. */
  private readonly holds = new Map<number, Map<string, boolean>>();

  constructor(
    private readonly ports: Pick<DispatcherPorts, 'pausePartition' | 'resumePartition'>,
    private readonly logger: Logger,
  ) {}

  any(): boolean {
    return this.holds.size > 0;
  }

  isHeld(partition: number, endpointId: string): boolean {
    return this.holds.get(partition)?.has(endpointId) === true;
  }

  /** Pauses the partition (again: a pause lost to a consumer restart is made again) for this endpoint. */
  hold(partition: number, endpointId: string, ordered: boolean): void {
    let holders = this.holds.get(partition);
    if (!holders) {
      holders = new Map();
      this.holds.set(partition, holders);
    }
    if (!holders.has(endpointId)) {
      metrics.dispatchPartitionPauses.inc({ reason: ordered ? 'ordered' : 'draining' });
      const fields = { endpointId, partition };
      if (ordered)
        this.logger.warn(
          fields,
          'ordered endpoint backlog full; its partition is paused until half of it is delivered (endpoints sharing the partition wait)',
        );
      else
        this.logger.info(
          fields,
          'endpoint queue full and draining; its partition is paused until half of it is delivered (endpoints sharing the partition wait)',
        );
    }
    holders.set(endpointId, ordered);
    metrics.dispatchPausedPartitions.set(this.holds.size);
    this.call(() => this.ports.pausePartition?.(partition), partition, 'pause');
  }

  /**
   * Lets go of every holder for which `letGo(endpointId, ordered)` is true, and resumes the
   * partitions no endpoint holds any more.
   */
  release(letGo: (endpointId: string, ordered: boolean) => boolean): void {
    for (const [partition, holders] of this.holds) {
      for (const [endpointId, ordered] of holders) if (letGo(endpointId, ordered)) holders.delete(endpointId);
      if (holders.size > 0) continue;
      this.holds.delete(partition);
      metrics.dispatchPausedPartitions.set(this.holds.size);
      this.logger.info({ partition }, 'backlog halved; the partition fetches again');
      this.call(() => this.ports.resumePartition?.(partition), partition, 'resume');
    }
  }

  /**
   * The consumer joined its group again and resumed every paused partition: the holds (and the
   * paused-partitions gauge) start from nothing.
   */
  forget(): void {
    if (this.holds.size === 0) return;
    this.logger.info(
      { partitions: [...this.holds.keys()] },
      'consumer rejoined its group; held partitions fetch again until a backlog over its limit pauses them',
    );
    this.holds.clear();
    metrics.dispatchPausedPartitions.set(0);
  }

  private call(port: () => void, partition: number, what: string): void {
    try {
      port();
    } catch (error) {
      this.logger.warn(
        { err: error, partition },
        `partition ${what} refused; the next task over the limit retries it`,
      );
    }
  }
}
