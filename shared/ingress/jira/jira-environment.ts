import { list, optionalText, secret, webUrl } from '#shared/ingress/environment-rules.ts';
import * as z from '#shared/util/zod-mini.ts';
import { unsetWhenEmpty } from '#shared/util/zod-preprocess.ts';

/** Jira's environment variables (docs/ingress/jira.md). */
export const jiraEnvironmentShape = {
  /** The secret of the Jira admin webhook (`X-Hub-Signature: sha256=…`). */
  JIRA_WEBHOOK_SECRET: secret(16),
  /** `https://your-site.atlassian.net`: where completion comments go (never taken from a payload). */
  JIRA_BASE_URL: unsetWhenEmpty(z.optional(webUrl())),
  /** Jira Cloud: the e-mail of the API token's account (Basic auth). Without it the token is a Bearer PAT. */
  JIRA_EMAIL: optionalText,
  JIRA_API_TOKEN: secret(1),
  /** Project keys whose tickets become requests (required with JIRA_WEBHOOK_SECRET). */
  JIRA_PROJECTS: list,
  /** Issue type names that become requests; empty: any type in those projects. */
  JIRA_ISSUE_TYPES: list,
  /** A ticket becomes a request when created in, or moved into, this status; unset: when created. */
  JIRA_TRIGGER_STATUS: optionalText,
  /** JSON: request field → Jira field id, e.g. `{"MasterDBInstanceId":"customfield_10050"}`. */
  JIRA_FIELD_MAP: unsetWhenEmpty(z._default(z.string(), '{}')),
};
