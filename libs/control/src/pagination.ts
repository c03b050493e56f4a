import { z } from 'zod';
import type { CursorPosition } from '@gateway/persistence';

/** Sort keys: an exact UTC timestamp (microseconds, as PostgreSQL keeps them) or a small integer. */
export const timeSortKey = z.iso.datetime({ precision: 6 });
export const intSortKey = z.string().regex(/^\d{1,9}$/);

/** A cursor is a list position, opaque to clients (base64url JSON). */
export function encodeCursor(value: CursorPosition): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, sortKey: z.ZodType<string>): CursorPosition | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const result = z.tuple([sortKey, z.string().min(1).max(300)]).safeParse(parsed);
  return result.success ? result.data : undefined;
}

/** `?limit=&cursor=` of every list (docs/DESIGN.md: lists are `{ data, nextCursor }`); the cursor arrives decoded. */
export const pageQuery = (sortKey: z.ZodType<string>) => ({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .describe('Items per page, 1 to 100 (default 20).'),
  cursor: z
    .string()
    .min(1)
    .max(500)
    .transform((value, ctx) => {
      const position = decodeCursor(value, sortKey);
      if (position) return position;
      ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this API' });
      return z.NEVER;
    })
    .optional()
    .describe('The `nextCursor` of the previous page.'),
});

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** The list shape in the OpenAPI document. */
export const pageOf = <S extends z.ZodType>(item: S) =>
  z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  });

/**
 * Rows were fetched with `limit + 1`: the extra one only says another page exists, and the cursor
 * points after the last row returned.
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  positionOf: (row: R) => CursorPosition,
  view: (row: R) => T,
): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    data: shown.map(view),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null,
  };
}

/**
 * `toPage` for rows listed by `(sortKey, id)`, the keyset most lists use: the cursor is that pair,
 * and the view never sees the sort key.
 */
export function toIdPage<R extends { sortKey: string; id: string }, T>(
  rows: R[],
  limit: number,
  view: (row: Omit<R, 'sortKey'>) => T,
): Page<T> {
  return toPage(
    rows,
    limit,
    (row) => [row.sortKey, row.id],
    ({ sortKey: _sortKey, ...row }) => view(row),
  );
}

/**
 * Whether a tenant's caller asked to filter a list by another tenant: it gets an empty page, the
 * same as a tenant with nothing to list, so the filter tells it nothing (ADR 0025).
 */
export const asksOtherTenant = (asked: string | undefined, confinedTo: string | undefined): boolean =>
  confinedTo !== undefined && asked !== undefined && asked !== confinedTo;
