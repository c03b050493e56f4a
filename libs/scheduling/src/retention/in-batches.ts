/** Calls `deleteBatch(limit)` until a batch comes back short: many short statements, never one long lock; the total. */
export async function inBatches(
  batch: number,
  deleteBatch: (limit: number) => Promise<number>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(batch);
    total += deleted;
    if (deleted < batch) return total;
  }
}
