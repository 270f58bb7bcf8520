import { type FieldIssue, ValidationError } from '#shared/errors.ts';
import type * as z from '#shared/util/zod-mini.ts';

/**
 * Turns zod issues into the project's `FieldIssue`s: a dotted path (`requester.source`,
 * `SecurityGroupIds.0`, `(root)` for the whole value) and a message that names the rule and
 * the offending value, e.g. `must be a multiple of 10 (got 105)`. Shared by the request schema
 * and the policy loader so every rejection reads the same way.
 */

export const ROOT_FIELD = '(root)';

/** Keys that must never reach an object as data (prototype pollution). */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * For free-form records (`preprocess(refuseForbiddenKeys, z.record(…))`, `zod-preprocess.ts`): zod drops a
 * `__proto__` key from a record without a word, so look at the raw keys and refuse the dangerous
 * ones by name instead of silently losing them. (Strict objects already report them as unknown.)
 */
export const refuseForbiddenKeys = (input: unknown, ctx: z.core.$RefinementCtx<unknown>): unknown => {
  if (typeof input !== 'object' || input === null) return input;
  for (const key of Object.keys(input)) {
    if (FORBIDDEN_KEYS.has(key)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `Forbidden field "${key}"`, input: key });
    }
  }
  return input;
};

const MAX_SHOWN_CHARS = 40;

/** A short, log-safe rendering of an offending value. */
export const describeValue = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const shown = JSON.stringify(value) ?? String(value);
  return shown.length > MAX_SHOWN_CHARS ? `${shown.slice(0, MAX_SHOWN_CHARS)}…` : shown;
};

const article = (noun: string): string => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);

const EXPECTED_NAMES: Readonly<Record<string, string>> = { int: 'integer', record: 'object' };

const unit = (origin: string): string => {
  if (origin === 'string') return ' characters';
  if (origin === 'array' || origin === 'set') return ' items';
  return '';
};

/**
 * Parse-time error map: the default message for every issue the schema itself does not word.
 * Pass it as `schema.safeParse(input, { error: fieldErrorMap })`.
 */
export const fieldErrorMap = (issue: z.core.$ZodRawIssue): string => {
  const got = `(got ${describeValue(issue.input)})`;
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const expected = EXPECTED_NAMES[issue.expected] ?? issue.expected;
      return `must be ${article(expected)} ${got}`;
    }
    case 'too_small': {
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      const bound = issue.inclusive === false ? 'greater than' : 'at least';
      return `must be ${bound} ${issue.minimum}${unit(issue.origin)} ${got}`;
    }
    case 'too_big': {
      const bound = issue.inclusive === false ? 'less than' : 'at most';
      const subject = issue.origin === 'string' || issue.origin === 'array' ? 'have' : 'be';
      return `must ${subject} ${bound} ${issue.maximum}${unit(issue.origin)} ${got}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor} ${got}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${describeValue(issue.values[0])} ${got}`
        : `must be one of ${issue.values.map(describeValue).join(', ')} ${got}`;
    case 'invalid_format':
      return issue.format === 'url' ? `must be an http(s) URL ${got}` : `has an invalid format ${got}`;
    case 'invalid_key':
      return `has an invalid key ${got}`;
    case 'unrecognized_keys':
      return `has unknown fields ${issue.keys.join(', ')}`;
    default:
      return `is not valid ${got}`;
  }
};

export const pathToField = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? ROOT_FIELD : path.map((segment) => String(segment)).join('.');

const joinField = (parent: string, key: string): string => (parent === ROOT_FIELD ? key : `${parent}.${key}`);

/**
 * One `FieldIssue` per problem: an unknown-keys issue becomes one issue per unknown field, and a
 * bad record key reports what is wrong with the key.
 */
export const toFieldIssues = (issues: readonly z.core.$ZodIssue[]): FieldIssue[] =>
  issues.flatMap((issue): FieldIssue[] => {
    const field = pathToField(issue.path);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: joinField(field, key), message: `Unknown field "${key}"` }));
    }
    if (issue.code === 'invalid_key' && issue.issues.length > 0) {
      return issue.issues.map((keyIssue) => ({ field, message: keyIssue.message }));
    }
    return [{ field, message: issue.message }];
  });

/** `Storage: must be a multiple of 10 (got 105); Foo: Unknown field "Foo"` — for one-line messages. */
export const formatIssues = (issues: readonly FieldIssue[]): string =>
  issues
    .map((issue) => (issue.field === ROOT_FIELD ? issue.message : `${issue.field}: ${issue.message}`))
    .join('; ');

/**
 * Parses `input` with a request-family schema (fields named as Tencent names them); throws a
 * `ValidationError` naming every bad or unknown field, e.g. "Invalid replica plan: Zone: …".
 */
export const parseFields = <T>(schema: z.ZodMiniType<T>, what: string, input: unknown): T => {
  const result = schema.safeParse(input, { error: fieldErrorMap });
  if (result.success) return result.data;
  const issues = toFieldIssues(result.error.issues);
  throw new ValidationError(`Invalid ${what}: ${formatIssues(issues)}`, issues, { cause: result.error });
};
