import { badRequest, unsupportedMediaType } from '#shared/http/http-error.ts';
import * as z from '#shared/util/zod-mini.ts';

/**
 * A slash command as Slack posts it (`application/x-www-form-urlencoded`; field names and shapes
 * from bolt-js `SlashCommand`). Fields replica-flow does not use are accepted and dropped, so a
 * field Slack adds tomorrow is no error.
 */
export const slashCommandSchema = z.object({
  team_id: z.string().check(z.regex(/^[TE][A-Z0-9]{2,31}$/, 'must be a Slack team id like T0123ABCD')),
  team_domain: z.optional(z.string().check(z.maxLength(255))),
  enterprise_id: z.optional(z.string().check(z.maxLength(64))),
  channel_id: z.string().check(z.regex(/^[CGD][A-Z0-9]{2,31}$/, 'must be a Slack channel id like C0123ABCD')),
  channel_name: z.optional(z.string().check(z.maxLength(255))),
  user_id: z.string().check(z.regex(/^[UW][A-Z0-9]{2,31}$/, 'must be a Slack user id like U0123ABCD')),
  user_name: z.optional(z.string().check(z.maxLength(255))),
  command: z.string().check(z.regex(/^\/[\w-]{1,31}$/, 'must be a slash command like /replica')),
  text: z._default(z.string().check(z.maxLength(4000)), ''),
  response_url: z.optional(z.url({ protocol: /^https?$/ }).check(z.maxLength(2048))),
  /** Printable ASCII; with the team it makes the idempotency key, which must stay under 255 characters. */
  trigger_id: z.string().check(z.regex(/^[\x21-\x7e]{1,200}$/, 'must be a Slack trigger id')),
  api_app_id: z.optional(z.string().check(z.maxLength(64))),
});
export type SlashCommand = z.infer<typeof slashCommandSchema>;

/**
 * Decodes a verified slash-command body with the standard form decoder (`+` is a space, `%2F` a
 * slash) and checks it; a problem is a 400 naming the field.
 */
export const parseSlashCommand = (contentType: string | undefined, rawBody: Buffer): SlashCommand => {
  if (!/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) {
    throw unsupportedMediaType('application/x-www-form-urlencoded');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
  } catch {
    throw badRequest('Request body is not valid UTF-8');
  }
  const form = new URLSearchParams(text);
  if (form.has('payload')) {
    throw badRequest('Interactive payloads are not handled here; this URL takes slash commands only', [
      { field: 'payload', message: 'not supported (slash commands only)' },
    ]);
  }
  const fields: Record<string, string> = Object.create(null);
  for (const [name, value] of form) {
    if (Object.hasOwn(fields, name)) {
      throw badRequest(`Form field ${name} appears more than once`, [
        { field: name, message: 'appears more than once' },
      ]);
    }
    fields[name] = value;
  }
  const parsed = slashCommandSchema.safeParse(fields);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field: issue.path.join('.') || '(root)',
    message: issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message,
  }));
  throw badRequest(
    `Invalid slash command: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
    issues,
  );
};
