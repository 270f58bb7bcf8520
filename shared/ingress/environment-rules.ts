import * as z from '#shared/util/zod-mini.ts';
import { unsetWhenEmpty } from '#shared/util/zod-preprocess.ts';

/** The rules the sources' environment variables are written with (each source's `<source>-environment.ts`). */

/** A secret of at least `min` characters; the message never repeats the value. Empty: unset. */
export const secret = (min: number) =>
  unsetWhenEmpty(z.optional(z.string().check(z.minLength(min, `must be at least ${min} characters`))));

/** Non-empty text; empty: unset. */
export const optionalText = unsetWhenEmpty(z.optional(z.string().check(z.minLength(1))));

/** An http(s) URL (unlike `z.httpUrl()`, any host). */
export const webUrl = () => z.url({ protocol: /^https?$/ });

/** A comma-separated list; unset: empty. */
export const list = z.pipe(
  z._default(z.string(), ''),
  z.transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);

/** An HTTP header name (token characters only). */
export const headerName = z
  .string()
  .check(
    z.regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name like x-api-key'),
    z.maxLength(128),
  );

/** The parsed values of a source's environment variables (what its settings builder reads). */
export type EnvironmentOf<Shape extends z.core.$ZodShape> = z.infer<z.ZodMiniObject<Shape>>;
