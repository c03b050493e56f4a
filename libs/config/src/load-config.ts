import { z } from 'zod';

/** A configuration that failed validation; `problems` has one readable line per bad variable. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
  }
}

/** Validates an environment against a schema; throws ConfigError naming each bad variable. */
export function parseConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const value = env[String(issue.path[0])];
    const shown = value === undefined ? 'missing' : 'invalid';
    return `config: ${name} is ${shown}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/**
 * The only reader of process.env: validates once at start-up. On failure prints one line per
 * problem to stderr and exits with status 78 (EX_CONFIG), so a bad deployment fails loudly.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.problems.join('\n')}\n`);
    process.exit(78);
  }
}
