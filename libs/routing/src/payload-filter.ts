import { z } from 'zod';
import { ExactNumber, jsonValue, numberBeyondDoubleRange, type JsonValue } from '@gateway/schemas';
import { compilePath, jsonEqual } from './json-path';

// The filter language is described for users in libs/routing/README.md; keep the two in step.

const exactNumber = z.custom<ExactNumber>((value) => value instanceof ExactNumber);
const comparable = z.union([z.number(), z.string(), exactNumber], { error: 'expected a number or a string' });
const listOfValues = z.array(jsonValue).max(1000);

const operatorShape = {
  $eq: jsonValue,
  $ne: jsonValue,
  $gt: comparable,
  $gte: comparable,
  $lt: comparable,
  $lte: comparable,
  $in: listOfValues,
  $nin: listOfValues,
  $exists: z.boolean(),
};
type OperatorName = keyof typeof operatorShape;
const operatorNames = Object.keys(operatorShape).join(', ');

const operators = z
  .strictObject(operatorShape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown operator ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}; expected ${operatorNames}`
        : undefined,
  })
  .partial();
type Operators = z.infer<typeof operators>;

/** An object with any "$" key is an operator object; anything else is a value to compare for equality. */
function isOperatorObject(value: unknown): value is Operators {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).some((key) => key.startsWith('$'))
  );
}

const condition = jsonValue.superRefine((value, ctx) => {
  if (!isOperatorObject(value)) return;
  const result = operators.safeParse(value);
  if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue });
});

const maxDepth = 8;

const filterNode = z
  .object({
    get $and() {
      return z.array(filterNode).min(1).max(100).optional();
    },
    get $or() {
      return z.array(filterNode).min(1).max(100).optional();
    },
  })
  .catchall(condition)
  .superRefine((filter, ctx) => {
    for (const key of Object.keys(filter)) {
      if (key === '$and' || key === '$or') continue;
      if (key.startsWith('$')) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `unknown operator "${key}"; expected $and, $or or a field path`,
        });
      } else if (key.split('.').some((name) => name === '')) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'a field path is names separated by single dots',
        });
      }
    }
  });

function depthOf(filter: PayloadFilter): number {
  // Defensive: zod may run this refinement on input whose $and/$or already failed validation.
  const nested = [filter.$and, filter.$or].flatMap((list) => (Array.isArray(list) ? list : []));
  return 1 + Math.max(0, ...nested.map(depthOf));
}

/** A payload filter as stored on an endpoint and accepted by the API (see README.md). */
export const payloadFilter = filterNode
  .refine((filter) => depthOf(filter) <= maxDepth, `$and/$or may nest at most ${maxDepth} levels deep`)
  // PostgreSQL's jsonb cannot store such a literal (1e1001), and a comparison with it means nothing.
  .refine(
    (filter) => numberBeyondDoubleRange(filter) === undefined,
    "numbers must be within a double's range (about 1e-308 to 1e308)",
  )
  .describe('Payload filter over the event data, e.g. { "amount": { "$gt": 100 } }.');

export type PayloadFilter = z.infer<typeof filterNode>;

/** A filter that skipped validation reached the compiler; a programming error, not user input. */
export class InvalidFilterError extends Error {
  readonly code = 'filter_invalid';
}

type Predicate = (value: unknown) => boolean;

const always: Predicate = () => true;

function allOf(predicates: Predicate[]): Predicate {
  if (predicates.length === 0) return always;
  if (predicates.length === 1) return predicates[0];
  return (value) => {
    for (const predicate of predicates) if (!predicate(value)) return false;
    return true;
  };
}

function anyOf(predicates: Predicate[]): Predicate {
  return (value) => {
    for (const predicate of predicates) if (predicate(value)) return true;
    return false;
  };
}

function isEqualTo(expected: JsonValue): Predicate {
  // A Number also equals an ExactNumber of its value (`1e16` and `10000000000000000`).
  if (typeof expected === 'number')
    return (value) => value === expected || (value instanceof ExactNumber && value.equals(expected));
  if (typeof expected !== 'object' || expected === null) return (value) => value === expected;
  return (value) => jsonEqual(expected, value);
}

/** Membership in a list: primitives by one Set lookup, objects, arrays and ExactNumbers structurally. */
function isOneOf(list: JsonValue): Predicate {
  if (!Array.isArray(list)) throw new InvalidFilterError('$in and $nin take an array');
  const primitives = new Set<unknown>(list.filter((item) => typeof item !== 'object' || item === null));
  const numbers = list.filter((item): item is number => typeof item === 'number');
  const structured = list.filter((item) => typeof item === 'object' && item !== null);
  return (value) =>
    primitives.has(value) ||
    (value instanceof ExactNumber && numbers.some((item) => value.equals(item))) ||
    structured.some((item) => jsonEqual(item, value));
}

/**
 * Orders a value against the operand: numbers with numbers, strings with strings (so ISO-8601
 * timestamps compare chronologically). Any other pairing, a missing value included, gives NaN,
 * which fails every comparison.
 */
function orderAgainst(operand: JsonValue): (value: unknown) => number {
  // An integer beyond 2^53 (ExactNumber) orders by its nearest Number.
  if (operand instanceof ExactNumber) return orderAgainst(Number(operand));
  if (typeof operand === 'number') {
    return (value) =>
      typeof value === 'number' || value instanceof ExactNumber ? Number(value) - operand : NaN;
  }
  if (typeof operand === 'string') {
    return (value) => (typeof value === 'string' ? (value < operand ? -1 : value > operand ? 1 : 0) : NaN);
  }
  throw new InvalidFilterError('$gt, $gte, $lt and $lte take a number or a string');
}

function compileOperator(name: OperatorName, operand: JsonValue): Predicate {
  switch (name) {
    case '$eq':
      return isEqualTo(operand);
    case '$ne': {
      const equal = isEqualTo(operand);
      return (value) => !equal(value);
    }
    case '$gt': {
      const order = orderAgainst(operand);
      return (value) => order(value) > 0;
    }
    case '$gte': {
      const order = orderAgainst(operand);
      return (value) => order(value) >= 0;
    }
    case '$lt': {
      const order = orderAgainst(operand);
      return (value) => order(value) < 0;
    }
    case '$lte': {
      const order = orderAgainst(operand);
      return (value) => order(value) <= 0;
    }
    case '$in':
      return isOneOf(operand);
    case '$nin': {
      const member = isOneOf(operand);
      return (value) => !member(value);
    }
    case '$exists':
      return operand ? (value) => value !== undefined : (value) => value === undefined;
  }
}

function compileCondition(path: string, condition: JsonValue): Predicate {
  const read = compilePath(path);
  if (!isOperatorObject(condition)) {
    const equal = isEqualTo(condition);
    return (data) => equal(read(data));
  }
  const tests = Object.entries(condition).map(([name, operand]) => {
    if (!Object.hasOwn(operatorShape, name))
      throw new InvalidFilterError(`unknown operator "${name}" at "${path}"`);
    return compileOperator(name as OperatorName, operand as JsonValue);
  });
  const test = allOf(tests);
  return (data) => test(read(data));
}

/**
 * Compiles a validated filter once into a predicate over the event's `data`. Paths are split and
 * `$in` lists hashed here, so a call only reads fields and compares.
 */
export function compileFilter(filter: PayloadFilter): (data: unknown) => boolean {
  const predicates: Predicate[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (key === '$and') predicates.push(allOf((value as PayloadFilter[]).map(compileFilter)));
    else if (key === '$or') predicates.push(anyOf((value as PayloadFilter[]).map(compileFilter)));
    else if (key.startsWith('$')) throw new InvalidFilterError(`unknown operator "${key}"`);
    else predicates.push(compileCondition(key, value));
  }
  return allOf(predicates);
}
