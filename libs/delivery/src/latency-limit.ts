/**
 * Answer times within `baseline x TOLERANCE + SLACK_MS` count as no queueing: an endpoint whose
 * own answers vary (a remote one at 80-120 ms) is not held back for its jitter.
 */
const TOLERANCE = 1.5;
const SLACK_MS = 2;
/** Attempts per half of the baseline's window: the baseline is the shortest of the last 256-512. */
const WINDOW = 256;
/** How much of each sample's verdict moves the limit (smoothing). */
const SMOOTHING = 0.2;
/** Attempts over the limit's share of its queueing, at equilibrium: see `observe`. */
const HEADROOM = 1;

/**
 * One endpoint's attempts in flight, adapted to its own answer times (a latency gradient, after
 * TCP Vegas) while the dispatcher is CPU-bound: the shortest recent attempt is the endpoint's time
 * with no queueing, and an attempt much longer than that, in a process whose event loop is busy
 * nearly all the time, mostly waited for that loop. More in flight then only lengthens every
 * attempt (Little's law), so the limit shrinks in proportion; while attempts take their usual
 * time it grows back, toward the endpoint's cap. With CPU to spare it never shrinks: a receiver's
 * own slow answers (a slow path beside a fast one, a remote's jitter) are not the dispatcher's
 * queueing, and holding them back would only cost their throughput.
 *
 * It judges each endpoint by its own times, so a hanging or slow endpoint shrinks only its own
 * limit, and a healthy one beside it keeps its cap (ADR 0034). A fresh endpoint starts at one
 * attempt and grows with each attempt that was not slow: doubling each round trip while the loop
 * has room, one more each round trip while it has none. A first burst then does not send its
 * whole cap at once, and a limit learned in a saturated loop stays near what the loop can serve.
 */
export class LatencyLimit {
  private limit: number;
  private windowMin = Infinity;
  private previousMin = Infinity;
  private inWindow = 0;

  constructor(
    /** The endpoint's cap (DELIVERY_CONCURRENCY_PER_ENDPOINT). */
    private cap: number,
    initial = 1,
  ) {
    this.limit = Math.min(cap, initial);
  }

  /** The cap changed (the endpoint was edited, or the setting). */
  setCap(cap: number): void {
    this.cap = cap;
    this.limit = Math.min(this.limit, cap);
  }

  /** Attempts that may be in flight now: at least 1. */
  value(): number {
    return Math.max(1, Math.floor(this.limit));
  }

  /** The shortest attempt of the recent window (ms): the endpoint's time with no queueing. */
  baselineMs(): number {
    return Math.min(this.windowMin, this.previousMin);
  }

  /**
   * One attempt took `runMs`; `held` says tasks were waiting for a slot (the limit held work
   * back), `saturated` that the dispatcher's event loop was busy nearly all the time. A slow
   * attempt in a saturated process moves the limit toward `limit x gradient + HEADROOM`, where the
   * gradient is the no-queueing time over the attempt's (at least 0.5): at equilibrium that is
   * about `HEADROOM / (1 - gradient)`, 2 when every attempt waits twice its time or more. Any
   * other attempt grows it while the limit holds work back: by one, or by one over the limit
   * (one per round trip) while the loop is saturated.
   */
  observe(runMs: number, held: boolean, saturated: boolean): void {
    this.remember(runMs);
    const allowedMs = this.baselineMs() * TOLERANCE + SLACK_MS;
    if (saturated && runMs > allowedMs) {
      const gradient = Math.max(0.5, allowedMs / runMs);
      const target = this.limit * gradient + HEADROOM;
      this.limit += SMOOTHING * (target - this.limit);
    } else if (held) {
      // Doubling each round trip while the loop has room; one more each round trip while it has none.
      this.limit += saturated ? 1 / this.limit : 1;
    }
    this.limit = Math.min(this.cap, Math.max(1, this.limit));
  }

  private remember(runMs: number): void {
    this.windowMin = Math.min(this.windowMin, runMs);
    if (++this.inWindow >= WINDOW) {
      this.previousMin = this.windowMin;
      this.windowMin = Infinity;
      this.inWindow = 0;
    }
  }
}
