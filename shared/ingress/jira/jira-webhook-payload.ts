import * as z from 'zod';
import { badRequest } from '#shared/http/http-error.ts';

/** A Jira user: Cloud sends `accountId` (`name`/`key` are gone); Data Center sends `name`/`key`. */
const jiraUserSchema = z.object({
  accountId: z.string().min(1).max(128).optional(),
  name: z.string().min(1).max(255).optional(),
  key: z.string().min(1).max(255).optional(),
  displayName: z.string().max(255).optional(),
});
export type JiraUser = z.infer<typeof jiraUserSchema>;

const named = z.object({ name: z.string().min(1) });

/**
 * The parts of a Jira issue webhook (REST API v2 representations) replica-flow reads. Other fields,
 * custom fields among them, are kept as they are (`fields` is loose) and read through `JIRA_FIELD_MAP`.
 */
export const jiraIssueSchema = z.object({
  id: z.string().min(1).max(32),
  key: z.string().regex(/^[A-Z][A-Z0-9_]*-\d+$/, 'must be an issue key like OPS-123'),
  fields: z.looseObject({
    summary: z.string().nullish(),
    /** Wiki-markup text in v2 payloads; an Atlassian Document (object) is read for its text too. */
    description: z.unknown().optional(),
    project: z.object({ key: z.string().min(1).max(64) }),
    issuetype: named.nullish(),
    status: named.nullish(),
    reporter: jiraUserSchema.nullish(),
  }),
});
export type JiraIssue = z.infer<typeof jiraIssueSchema>;

export const jiraWebhookSchema = z.object({
  timestamp: z.number().optional(),
  webhookEvent: z.string().min(1).max(128),
  user: jiraUserSchema.nullish(),
  issue: jiraIssueSchema.optional(),
  changelog: z
    .object({
      items: z.array(
        // A missing `toString` would be read from Object.prototype (a function): make it an own null first.
        z.preprocess(
          (item) =>
            item && typeof item === 'object' && !Object.hasOwn(item, 'toString')
              ? { ...item, toString: null }
              : item,
          z.object({
            field: z.string(),
            fieldId: z.string().optional(),
            toString: z.string().nullish(),
          }),
        ),
      ),
    })
    .nullish(),
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
