import { badRequest } from '#shared/http/http-error.ts';
import * as z from '#shared/util/zod-mini.ts';
import { preprocess } from '#shared/util/zod-preprocess.ts';
import { text } from '#shared/util/zod-text.ts';

/** A Jira user: Cloud sends `accountId` (`name`/`key` are gone); Data Center sends `name`/`key`. */
const jiraUserSchema = z.object({
  accountId: z.optional(text(1, 128)),
  name: z.optional(text(1, 255)),
  key: z.optional(text(1, 255)),
  displayName: z.optional(z.string().check(z.maxLength(255))),
});
export type JiraUser = z.infer<typeof jiraUserSchema>;

const named = z.object({ name: z.string().check(z.minLength(1)) });

/** A missing `toString` would be read from Object.prototype (a function): make it an own null first. */
const ownToString = (item: unknown): unknown =>
  item && typeof item === 'object' && !Object.hasOwn(item, 'toString') ? { ...item, toString: null } : item;

/**
 * The parts of a Jira issue webhook (REST API v2 representations) replica-flow reads. Other fields,
 * custom fields among them, are kept as they are (`fields` is loose) and read through `JIRA_FIELD_MAP`.
 */
export const jiraIssueSchema = z.object({
  id: text(1, 32),
  /** The issue's REST URL (`https://acme.atlassian.net/rest/api/2/issue/10847`): names the Jira site. */
  self: z.optional(z.string().check(z.maxLength(2048))),
  key: z.string().check(z.regex(/^[A-Z][A-Z0-9_]*-\d+$/, 'must be an issue key like OPS-123')),
  fields: z.looseObject({
    summary: z.nullish(z.string()),
    /** Wiki-markup text in v2 payloads; an Atlassian Document (object) is read for its text too. */
    description: z.optional(z.unknown()),
    project: z.object({ key: text(1, 64) }),
    issuetype: z.nullish(named),
    status: z.nullish(named),
    reporter: z.nullish(jiraUserSchema),
  }),
});
export type JiraIssue = z.infer<typeof jiraIssueSchema>;

export const jiraWebhookSchema = z.object({
  timestamp: z.optional(z.number()),
  webhookEvent: text(1, 128),
  user: z.nullish(jiraUserSchema),
  issue: z.optional(jiraIssueSchema),
  changelog: z.nullish(
    z.object({
      items: z.array(
        preprocess(
          ownToString,
          z.object({
            field: z.string(),
            fieldId: z.optional(z.string()),
            toString: z.nullish(z.string()),
          }),
        ),
      ),
    }),
  ),
});
export type JiraWebhook = z.infer<typeof jiraWebhookSchema>;

/** Parses a verified webhook body; a problem is a 400 naming the field. */
export const parseJiraWebhook = (json: unknown): JiraWebhook => {
  const parsed = jiraWebhookSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field: issue.path.join('.') || '(root)',
    message: issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message,
  }));
  throw badRequest(
    `Invalid Jira webhook: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
    issues,
  );
};
