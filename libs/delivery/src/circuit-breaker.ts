export interface BreakerSettings {
  /** Consecutive failed attempts that open the circuit. */
  failureThreshold: number;
  /** First open period; doubles after each failed probe, up to `maxOpenMs`. */
  openMs: number;
  maxOpenMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export type Admission = { kind: 'attempt' } | { kind: 'defer'; until: number };

/**
 * One endpoint's circuit breaker (a pure state machine; the caller supplies the time). Closed: every
 * attempt goes. Open: none goes, deliveries wait in the retry scheduler until the open period ends.
 * Half-open: exactly one probe goes; its success closes the circuit, its failure re-opens it longer.
 */
export class CircuitBreaker {
  state: BreakerState = 'closed';
  private failures = 0;
  private openUntil = 0;
  private openFor: number;
  private probing = false;

  constructor(private readonly settings: BreakerSettings) {
    this.openFor = settings.openMs;
  }

  /** Closed, and its last attempt (if any) succeeded: the endpoint itself is keeping up. */
  healthy(): boolean {
    return this.state === 'closed' && this.failures === 0;
  }

  admit(now: number): Admission {
    if (this.state === 'closed') return { kind: 'attempt' };
    if (this.state === 'open' && now >= this.openUntil) this.state = 'half-open';
    if (this.state === 'half-open' && !this.probing) {
      this.probing = true;
      return { kind: 'attempt' };
    }
    return { kind: 'defer', until: Math.max(this.openUntil, now + 1000) };
  }

  /** Returns the state entered, if the call changed it. */
  onSuccess(): BreakerState | undefined {
    this.failures = 0;
    this.probing = false;
    this.openFor = this.settings.openMs;
    if (this.state === 'closed') return undefined;
    this.state = 'closed';
    return 'closed';
  }

  onFailure(now: number): BreakerState | undefined {
    this.failures++;
    if (this.state === 'half-open') {
      this.probing = false;
      this.openFor = Math.min(this.openFor * 2, this.settings.maxOpenMs);
      return this.open(now);
    }
    if (this.state === 'closed' && this.failures >= this.settings.failureThreshold) return this.open(now);
    return undefined;
  }

  private open(now: number): BreakerState {
    this.state = 'open';
    this.openUntil = now + this.openFor;
    return 'open';
  }
}
