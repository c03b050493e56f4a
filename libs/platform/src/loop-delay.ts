import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

/** One interval of this process's event loop. */
export interface LoopSample {
  /** p99 of how long ready work waited for the loop, ms. */
  delayMs: number;
  /** Share of the interval the loop was busy (event loop utilization, 0-1). */
  utilization: number;
}

/** Calls `onInterval` every `intervalMs` with the loop's delay and utilization; returns the stop function. */
export function watchLoopDelay(intervalMs: number, onInterval: (sample: LoopSample) => void): () => void {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let last = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    // The histogram counts the resolution's own timer period in each sample; only the excess is delay.
    const delayMs = Math.max(0, histogram.percentile(99) / 1e6 - 10);
    histogram.reset();
    const now = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    onInterval({ delayMs, utilization });
  }, intervalMs).unref();
  return () => {
    clearInterval(timer);
    histogram.disable();
  };
}
