import { z } from 'zod';

/** `https://host[:port]` or `http://...`: an origin exactly, no path, query, fragment or CSP syntax. */
const isOrigin = (value: string): boolean => {
  if (!/^https?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
};

/** How the api serves the web console at /console (ADR 0029). */
export const consoleServingConfig = {
  PORTAL_FRAME_ANCESTORS: z
    .string()
    .default('')
    .transform((value) => value.split(/\s+/).filter(Boolean))
    .refine(
      (origins) => origins.every(isOrigin),
      'space-separated origins only, e.g. https://app.example.com',
    )
    .describe(
      "Origins (space-separated) allowed to embed the tenant portal (/console/portal) in a frame: its CSP frame-ancestors. Empty: none. Every other /console page has frame-ancestors 'none'.",
    ),
};
