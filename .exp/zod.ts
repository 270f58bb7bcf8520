import * as z from 'zod';
export const s = z.object({ a: z.string(), b: z.number().int().min(1) });
export const handler = () => s;
