import { RE2JS } from 're2js';
import type { RegExpEngine } from 'ajv/dist/types';

/**
 * ajv's `code.regExp`: `pattern` and `patternProperties` run on RE2 (linear time in the input),
 * so no pattern in a tenant's schema can backtrack for minutes on a crafted string (ReDoS). RE2
 * has no lookaround nor backreferences: a schema using them does not compile (a 422 at create).
 */
export const re2RegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string) => {
    const compiled = RE2JS.compile(pattern, flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
    // ajv shares compiled patterns by this text: it must name the pattern and its flags.
    return {
      test: (input: string) => compiled.matcher(input).find(),
      toString: () => `/${pattern}/${flags}`,
    };
  },
  { code: 'require("re2js").RE2JS' },
);
