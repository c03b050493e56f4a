/**
 * Per-partition bookkeeping for out-of-order completion: the committable offset is the oldest
 * unfinished one, so a crash re-sends unfinished work and never skips it. Offsets are added in
 * increasing order (as Kafka hands them out); completion may come in any order.
 */
export class OffsetTracker {
  private readonly pending = new Set<bigint>();
  private readonly order: bigint[] = [];
  private head = 0;
  private highest: bigint | undefined;

  add(offset: string): void {
    const value = BigInt(offset);
    this.pending.add(value);
    this.order.push(value);
    this.highest = value;
  }

  complete(offset: string): void {
    this.pending.delete(BigInt(offset));
  }

  /** The offset to commit (Kafka semantics: the next one to read), or undefined when nothing moved. */
  committable(): string | undefined {
    while (this.head < this.order.length && !this.pending.has(this.order[this.head])) this.head++;
    if (this.head > 1024) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
    if (this.head < this.order.length) return this.order[this.head].toString();
    return this.highest === undefined ? undefined : (this.highest + 1n).toString();
  }

  inFlight(): number {
    return this.pending.size;
  }
}
