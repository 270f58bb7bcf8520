import { describeValue } from '#shared/domain/replica-request-issues.ts';
import * as z from '#shared/util/zod-mini.ts';

/** An exact primary id (`postgres-abcdef`) or a glob (`postgres-*`, `postgres-prod?`). */
export const primaryPatternSchema = z.string().check(
  z.maxLength(64),
  z.regex(/^[a-z0-9*?]+(?:-[a-z0-9*?]+)*$/, {
    error: (issue) => `must be a primary id or a glob like postgres-* (got ${describeValue(issue.input)})`,
  }),
);
