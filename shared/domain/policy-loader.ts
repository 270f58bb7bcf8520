import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type Policy, policySchema } from '#shared/domain/policy-schema.ts';
import { fieldErrorMap, formatIssues, toFieldIssues } from '#shared/domain/replica-request-issues.ts';
import { ConfigError, ValidationError } from '#shared/errors.ts';

/**
 * Reads and validates the policy file once, at start. Every problem is a `ConfigError` naming the
 * file, the field path and the rule; its `cause` is a `ValidationError` holding every issue.
 */

export type PolicyFormat = 'yaml' | 'json';

const FORMATS_BY_EXTENSION: Readonly<Record<string, PolicyFormat>> = {
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.json': 'json',
};

export const policyFormatOf = (path: string): PolicyFormat => {
  const format = FORMATS_BY_EXTENSION[extname(path).toLowerCase()];
  if (!format) throw new ConfigError(`Policy file ${path} must end in .yaml, .yml or .json`);
  return format;
};

const parseText = (text: string, format: PolicyFormat, source: string): unknown => {
  try {
    return format === 'json' ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true, prettyErrors: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`Policy file ${source} is not valid ${format.toUpperCase()}: ${reason}`, {
      cause: error,
    });
  }
};

/** Parses policy text; `source` names it in errors (the file path, when there is one). */
export const parsePolicy = (text: string, format: PolicyFormat, source = '(inline policy)'): Policy => {
  const result = policySchema.safeParse(parseText(text, format, source), { error: fieldErrorMap });
  if (result.success) return result.data;
  const issues = toFieldIssues(result.error.issues);
  const summary = formatIssues(issues);
  throw new ConfigError(`Policy file ${source} is invalid: ${summary}`, {
    cause: new ValidationError(summary, issues, { cause: result.error }),
  });
};

/** Reads, parses and validates a policy file (format from its extension). Synchronous: call at start. */
export const loadPolicy = (path: string): Policy => {
  const format = policyFormatOf(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`Cannot read policy file ${path}: ${reason}`, { cause: error });
  }
  return parsePolicy(text, format, path);
};
