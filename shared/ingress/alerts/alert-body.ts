import { badRequest } from '#shared/http/http-error.ts';
import * as z from '#shared/util/zod-mini.ts';

/**
 * Parses an alert body that was already authenticated: UTF-8, JSON, then the source's schema.
 * Every failure is a 400 naming the field (never the body), so the source does not retry it.
 */
export const parseAlertBody = <T>(bytes: Buffer, schema: z.core.$ZodType<T>, what: string): T => {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest(`${what}: body is not valid UTF-8`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw badRequest(`${what}: body is not valid JSON (${(error as Error).message})`);
  }
  const parsed = z.safeParse(schema, json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 20).map((issue) => ({
    field: issue.path.join('.') || '(root)',
    message: issue.message,
  }));
  throw badRequest(
    `${what}: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
    issues,
  );
};
