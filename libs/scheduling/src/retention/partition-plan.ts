/** One day's range partition of a table: rows with `from <= key < to` (UTC midnights). */
export interface DayPartition {
  name: string;
  from: Date;
  to: Date;
}

/** What the maintenance job does to one table: partitions to create ahead, expired ones to drop. */
export interface PartitionPlan {
  create: DayPartition[];
  drop: string[];
}

export interface PartitionPlanInput {
  /** The partitioned table, e.g. `events`; its partitions are named `<table>_pYYYYMMDD`. */
  table: string;
  /** The partitions the table has now (the default partition and unknown names are left alone). */
  existing: readonly string[];
  now: Date;
  /** A row is kept at least this many days; a partition is dropped once all of it is older. */
  retentionDays: number;
  /** Days after today that must have a partition (today's always does). */
  aheadDays: number;
}

const DAY_MS = 86_400_000;

const startOfUtcDay = (at: Date): Date =>
  new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));

const addDays = (day: Date, days: number): Date => new Date(day.getTime() + days * DAY_MS);

const suffixOf = (day: Date): string => day.toISOString().slice(0, 10).replaceAll('-', '');

/** The name of the day partition of `table` holding `day`. */
export const partitionName = (table: string, day: Date): string => `${table}_p${suffixOf(day)}`;

/** The day a partition name of `table` covers, or undefined for any other name (e.g. `<table>_default`). */
export const dayOfPartition = (table: string, name: string): Date | undefined => {
  const match = new RegExp(`^${table}_p(\\d{4})(\\d{2})(\\d{2})$`).exec(name);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return suffixOf(date) === `${match[1]}${match[2]}${match[3]}` ? date : undefined;
};

/**
 * Plans one maintenance pass over a table partitioned by day: the days from today to `aheadDays`
 * after it that have no partition yet, and the partitions whose whole range ends at or before
 * `now - retentionDays` (so no row younger than the retention is ever dropped). Pure: the caller
 * lists the partitions and runs the plan, and may run it again (a re-planned pass is empty).
 */
export const planPartitions = (input: PartitionPlanInput): PartitionPlan => {
  if (!Number.isInteger(input.retentionDays) || input.retentionDays < 1) {
    throw new RangeError(`retentionDays must be a positive integer, got ${input.retentionDays}`);
  }
  if (!Number.isInteger(input.aheadDays) || input.aheadDays < 0) {
    throw new RangeError(`aheadDays must be a non-negative integer, got ${input.aheadDays}`);
  }
  const today = startOfUtcDay(input.now);
  const cutoff = input.now.getTime() - input.retentionDays * DAY_MS;
  const existingDays = new Set<number>();
  const drop: string[] = [];
  for (const name of input.existing) {
    const day = dayOfPartition(input.table, name);
    if (day === undefined) continue;
    existingDays.add(day.getTime());
    if (addDays(day, 1).getTime() <= cutoff) drop.push(name);
  }
  const create: DayPartition[] = [];
  for (let offset = 0; offset <= input.aheadDays; offset++) {
    const from = addDays(today, offset);
    if (existingDays.has(from.getTime())) continue;
    create.push({ name: partitionName(input.table, from), from, to: addDays(from, 1) });
  }
  return { create, drop: drop.sort() };
};
