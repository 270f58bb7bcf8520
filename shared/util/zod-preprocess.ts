import * as z from '#shared/util/zod-mini.ts';

/**
 * Full zod's `z.preprocess(fn, schema)`, which zod/mini lacks, built the way full zod builds it: a
 * transform piped into `schema`, whose `fn` gets a context with the same `addIssue`. An issue `fn`
 * raises stops the pipe, so `schema` never sees that input. Issues are made as zod's `util.issue`
 * makes them, written out (no `z.util`: see docs/bundling.md#zod-mini-only).
 */
export const preprocess = <B extends z.core.$ZodType>(
  fn: (input: unknown, ctx: z.core.$RefinementCtx<unknown>) => unknown,
  schema: B,
): z.ZodMiniPipe<z.ZodMiniTransform<unknown, unknown>, B> => {
  const step = z.transform((input: unknown, payload: z.core.ParsePayload) => {
    const addIssue = (issue: string | z.core.$ZodSuperRefineIssue): void => {
      if (typeof issue === 'string') {
        // Full zod passes the transform's definition as the issue's `inst` here; so does this.
        const inst = step._zod.def as unknown as z.core.$ZodType;
        payload.issues.push({ message: issue, code: 'custom', input: payload.value, inst });
        return;
      }
      // Completed in place, field by field, as full zod's `ZodTransform` does (zod/v4/classic/schemas.js).
      const raw = issue as Record<string, unknown>;
      if (raw.fatal) raw.continue = false;
      raw.code ??= 'custom';
      if (!('input' in raw)) raw.input = payload.value;
      raw.inst ??= step;
      payload.issues.push({ ...(raw as z.core.$ZodRawIssue) });
    };
    return fn(input, Object.assign(payload, { addIssue }));
  });
  return z.pipe(step, schema);
};

/** Empty means unset (a blank `KEY=` line in an env file, or an unset CloudFormation parameter). */
const unsetIfEmpty = (value: unknown): unknown => (value === '' ? undefined : value);

/** `schema`, reading an empty string as unset (what `z.preprocess(unsetIfEmpty, schema)` builds). */
export const unsetWhenEmpty = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(z.transform(unsetIfEmpty), schema);
