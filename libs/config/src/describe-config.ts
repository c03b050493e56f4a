import { z } from 'zod';

export interface ConfigRow {
  name: string;
  default: string;
  description: string;
}

/** Lists a config schema's variables with their defaults and descriptions (for the README table). */
export function describeConfig(schema: z.ZodObject): ConfigRow[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const type = field as z.ZodType;
    const parsed = type.safeParse(undefined);
    const fallback = parsed.success && parsed.data !== undefined ? JSON.stringify(parsed.data) : '';
    return { name, default: fallback, description: type.description ?? '' };
  });
}
