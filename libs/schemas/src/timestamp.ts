import { z } from 'zod';

/**
 * An ISO-8601 date-time (with an offset or Z) that PostgreSQL can store: zod's format accepts the
 * year 0000, which does not exist, and PostgreSQL refuses it (SQLSTATE 22008) on every retry.
 */
export const timestamp = z.iso.datetime({ offset: true }).refine((value) => !value.startsWith('0000'), {
  message: 'the year 0000 does not exist (years start at 0001)',
});
