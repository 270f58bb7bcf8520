import { badRequest, unsupportedMediaType } from '#shared/http/http-error.ts';
import * as z from '#shared/util/zod-mini.ts';

/**
 * A Block Kit button click as Slack posts it to the interactivity URL: one form field, `payload`,
 * holding JSON (`block_actions`; shape from Slack's block_actions payload reference and bolt-js
 * `BlockAction`). Fields replica-flow does not use are accepted and dropped.
 */
export const blockActionsSchema = z.object({
  type: z.literal('block_actions', { error: 'must be block_actions (only button clicks are handled)' }),
  user: z.object({
    id: z.string().check(z.regex(/^[UW][A-Z0-9]{2,31}$/, 'must be a Slack user id like U0123ABCD')),
  }),
  actions: z
    .array(
      z.object({
        action_id: z.string().check(z.minLength(1), z.maxLength(255)),
        value: z.optional(z.string().check(z.maxLength(2000))),
      }),
    )
    .check(z.minLength(1, 'must hold the clicked button')),
  channel: z.optional(z.object({ id: z.string().check(z.maxLength(64)) })),
  response_url: z.optional(z.url({ protocol: /^https?$/ }).check(z.maxLength(2048))),
});
export type BlockActions = z.infer<typeof blockActionsSchema>;

/** Decodes a verified interactivity body (`payload=<url-encoded JSON>`); a problem is a 400 naming the field. */
export const parseBlockActions = (contentType: string | undefined, rawBody: Buffer): BlockActions => {
  if (!/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) {
    throw unsupportedMediaType('application/x-www-form-urlencoded');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
  } catch {
    throw badRequest('Request body is not valid UTF-8');
  }
  const payloads = new URLSearchParams(text).getAll('payload');
  if (payloads.length !== 1) {
    throw badRequest('An interaction carries exactly one payload form field', [
      { field: 'payload', message: payloads.length === 0 ? 'required' : 'appears more than once' },
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(payloads[0] as string);
  } catch {
    throw badRequest('The payload field is not JSON', [{ field: 'payload', message: 'must be JSON' }]);
  }
  const parsed = blockActionsSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field: ['payload', ...issue.path.map(String)].join('.'),
    message: issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message,
  }));
  throw badRequest(
    `Invalid Slack interaction: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
    issues,
  );
};
