import * as z from '#shared/util/zod-mini.ts';

/**
 * Full zod's `z.preprocess(fn, schema)`, which zod/mini lacks, built the way full zod builds it: a
 * transform piped into `schema`, whose `fn` gets a context with the same `addIssue`. An issue `fn`
 * raises stops the pipe, so `schema` never sees that input.
 */
export const preprocess = <B extends z.core.$ZodType>(
  fn: (input: unknown, ctx: z.core.$RefinementCtx<unknown>) => unknown,
  schema: B,
): z.ZodMiniPipe<z.ZodMiniTransform<unknown, unknown>, B> => {
  const step = z.transform((input: unknown, payload: z.core.ParsePayload) => {
    const addIssue = (issue: string | z.core.$ZodSuperRefineIssue): void => {
      if (typeof issue === 'string') {
        payload.issues.push(z.util.issue(issue, payload.value, step._zod.def));
        return;
      }
      // Completed in place, field by field, as full zod's `ZodTransform` does (zod/v4/classic/schemas.js).
      const raw = issue as Record<string, unknown>;
      if (raw.fatal) raw.continue = false;
      raw.code ??= 'custom';
      if (!('input' in raw)) raw.input = payload.value;
      raw.inst ??= step;
      payload.issues.push(z.util.issue(raw as z.core.$ZodRawIssue));
    };
    return fn(input, Object.assign(payload, { addIssue }));
  });
  return z.pipe(step, schema);
};
