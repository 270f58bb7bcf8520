import * as z from '#shared/util/zod-mini.ts';

/** A string of `min` to `max` characters (payload fields). */
export const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));

/** Any string, or absent. */
export const optionalText = () => z.optional(z.string());
