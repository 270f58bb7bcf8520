import type * as z from 'zod';
import { type ApiError, apiErrors } from '#emulator/protocol/api-error.ts';

type Issue = z.core.$ZodIssue;

/** `Filters.0.Name`: the dotted form Tencent uses for nested parameters. */
const parameterName = (path: readonly PropertyKey[]): string => path.map(String).join('.');

const isAbsent = (body: unknown, path: readonly PropertyKey[]): boolean => {
  let node: unknown = body;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key as string)) return true;
    node = (node as Record<string, unknown>)[key as string];
  }
  return node === undefined;
};

const TYPE_NAMES: Record<string, string> = {
  string: 'String',
  int: 'Integer',
  number: 'Integer',
  boolean: 'Boolean',
  array: 'Array',
  object: 'Object',
};

const toApiError = (issue: Issue, body: unknown): ApiError => {
  if (issue.code === 'unrecognized_keys') {
    return apiErrors.unknownParameter(parameterName([...issue.path, issue.keys[0] ?? '']));
  }
  const name = parameterName(issue.path);
  if (issue.code === 'invalid_type') {
    if (isAbsent(body, issue.path)) return apiErrors.missingParameter(name);
    return apiErrors.invalidParameterType(name, TYPE_NAMES[issue.expected] ?? issue.expected);
  }
  if (issue.code === 'invalid_value' || issue.code === 'too_small' || issue.code === 'too_big') {
    return apiErrors.invalidValue(name, issue.message);
  }
  return apiErrors.invalidParameter(`The parameter \`${name}\` is not valid: ${issue.message}.`);
};

/** Gateway order: unknown keys first, then missing ones, then wrong types, then values. */
const rank = (issue: Issue, body: unknown): number => {
  if (issue.code === 'unrecognized_keys') return 0;
  if (issue.code === 'invalid_type') return isAbsent(body, issue.path) ? 1 : 2;
  return 3;
};

/**
 * Validates an action's parameters with its zod schema and turns the first problem into the
 * common error Tencent answers: `UnknownParameter`, `MissingParameter`, `InvalidParameter`
 * (wrong type) or `InvalidParameterValue.InvalidParameterValueError`.
 */
export const parseActionParams = <S extends z.ZodType>(schema: S, body: unknown): z.output<S> => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw apiErrors.invalidParameter('The request body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = [...result.error.issues].sort((a, b) => rank(a, body) - rank(b, body));
  const first = issues[0];
  throw first ? toApiError(first, body) : apiErrors.invalidParameter('The request parameters are not valid.');
};
