/**
 * At most `perTurn` starts per turn of the event loop: `next()` resolves at once while the turn has
 * room, otherwise after the turn ends (a `setImmediate`), so I/O callbacks run between the slices
 * of a long burst of work.
 */
export class TurnPacer {
  private startedThisTurn = 0;
  private turnEnd: Promise<void> | undefined;

  constructor(private readonly perTurn: number) {}

  async next(): Promise<void> {
    for (;;) {
      this.turnEnd ??= new Promise((resolve) =>
        setImmediate(() => {
          this.startedThisTurn = 0;
          this.turnEnd = undefined;
          resolve();
        }),
      );
      if (this.startedThisTurn < this.perTurn) {
        this.startedThisTurn++;
        return;
      }
      await this.turnEnd;
    }
  }
}
