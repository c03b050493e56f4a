import { z } from 'zod';

const hexColor = /^#[0-9a-fA-F]{6}$/;

/** `name=url,name=url`: each service's base URL (its /health/ready is read). */
const serviceUrls = z
  .string()
  .default('')
  .transform((value, context) => {
    const urls: Record<string, string> = {};
    for (const part of value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)) {
      const [name, url] = [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)];
      if (!/^[a-z][a-z0-9-]*$/.test(name) || !z.url({ protocol: /^https?$/ }).safeParse(url).success) {
        context.addIssue({ code: 'custom', message: `expected name=http(s)://host:port, got "${part}"` });
        return z.NEVER;
      }
      urls[name] = url.replace(/\/+$/, '');
    }
    return urls;
  });

/** What the console's routes read from the environment (composed into the api service's config). */
export const consoleConfig = {
  PORTAL_SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(86_400)
    .default(3600)
    .describe(
      'How long a tenant portal session (POST /v1/tenants/:id/portal-sessions) lasts unless the body says.',
    ),
  CONSOLE_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
    .optional()
    .transform((value) => value?.replace(/\/+$/, ''))
    .describe(
      "Public base URL of the api as browsers reach it; a portal session's url is <it>/console/portal#token=... (unset: the request's own origin).",
    ),
  CONSOLE_BRAND_NAME: z
    .string()
    .min(1)
    .max(200)
    .default('Webhook gateway')
    .describe("The console's name, unless a tenant's branding names one."),
  CONSOLE_BRAND_LOGO_URL: z
    .url({ protocol: /^https$/, error: 'expected an https:// URL' })
    .optional()
    .describe("The console's logo (https), unless a tenant's branding gives one."),
  CONSOLE_BRAND_PRIMARY_COLOR: z
    .string()
    .regex(hexColor, 'expected #rrggbb')
    .optional()
    .describe("The console's primary colour (#rrggbb), unless a tenant's branding gives one."),
  HEALTH_SERVICE_URLS: serviceUrls.describe(
    'The services the health overview (GET /v1/health/overview) asks for readiness: name=base URL, comma-separated (e.g. ingress=http://ingress:8081,router=http://router:8082). The dispatcher entry is also asked for its circuit breakers.',
  ),
};

export { hexColor };
