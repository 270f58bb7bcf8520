import type { Policy } from '#shared/domain/policy.ts';
import type { Approval } from '#shared/domain/policy-budget-schema.ts';
import { ConfigError } from '#shared/errors.ts';
import type { EnvironmentOf } from '#shared/ingress/environment-rules.ts';
import type { jiraEnvironmentShape } from '#shared/ingress/jira/jira-environment.ts';
import type { JiraDirectory } from '#shared/ports/jira-directory.ts';
import * as z from '#shared/util/zod-mini.ts';

/** Request fields a ticket can give, by custom field (`JIRA_FIELD_MAP`) or `key: value` description line. */
export const TICKET_FIELDS = [
  'MasterDBInstanceId',
  'Region',
  'Zone',
  'SpecCode',
  'Storage',
  'InstanceCount',
  'InstanceChargeType',
  'Name',
  'dryRun',
] as const;
export type TicketField = (typeof TICKET_FIELDS)[number];

export const jiraFieldMapSchema = z.partialRecord(
  z.enum(TICKET_FIELDS),
  z
    .string()
    .check(
      z.regex(/^(?:customfield_\d+|[a-z][A-Za-z0-9_]*)$/, 'must be a Jira field id like customfield_10050'),
    ),
);
export type JiraFieldMap = z.infer<typeof jiraFieldMapSchema>;

/** What the Jira ingress needs. The secret is never logged. */
export interface JiraIngressSettings {
  readonly webhookSecret: string;
  /** Project keys whose tickets become requests. */
  readonly projects: readonly string[];
  /** Issue type names (case-insensitive) that become requests; empty: any. */
  readonly issueTypes: readonly string[];
  /** Created in, or moved into, this status (case-insensitive); unset: every created ticket. */
  readonly triggerStatus?: string;
  readonly fieldMap: JiraFieldMap;
  /** Where approvers' groups are read (`approval.approvers.jiraGroups`): with JIRA_BASE_URL and JIRA_API_TOKEN. */
  readonly directory?: JiraDirectory;
}

/** `JIRA_FIELD_MAP` parsed and checked; a problem is a ConfigError naming the variable and the key. */
export const parseJiraFieldMap = (text: string): JiraFieldMap => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(
      'JIRA_FIELD_MAP is not valid JSON (expected {"MasterDBInstanceId":"customfield_10050", …})',
    );
  }
  const parsed = jiraFieldMapSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  throw new ConfigError(`JIRA_FIELD_MAP is invalid: ${problems} (fields: ${TICKET_FIELDS.join(', ')})`);
};

/** The Jira ingress from its environment; without a webhook secret, none (the route answers 401). */
export const jiraIngressFrom = (
  env: EnvironmentOf<typeof jiraEnvironmentShape>,
): JiraIngressSettings | undefined => {
  if (!env.JIRA_WEBHOOK_SECRET) return undefined;
  if (env.JIRA_PROJECTS.length === 0) {
    throw new ConfigError('JIRA_PROJECTS must name the project keys whose tickets become requests');
  }
  return {
    webhookSecret: env.JIRA_WEBHOOK_SECRET,
    projects: env.JIRA_PROJECTS,
    issueTypes: env.JIRA_ISSUE_TYPES,
    ...(env.JIRA_TRIGGER_STATUS ? { triggerStatus: env.JIRA_TRIGGER_STATUS } : {}),
    fieldMap: parseJiraFieldMap(env.JIRA_FIELD_MAP),
  };
};

/** Whether any approval section of the policy (the top-level one, or a primary's) names `jiraGroups`. */
export const policyNamesJiraGroups = (policy: Policy): boolean =>
  [policy.approval, ...Object.values(policy.primaries).map((entry) => entry.approval)].some(
    (approval: Approval | undefined) => (approval?.approvers.jiraGroups?.length ?? 0) > 0,
  );

/**
 * Cold start of the function that receives Jira webhooks: where Jira is configured and the policy
 * lets Jira groups approve, their membership must be readable — else every group member's move
 * would be refused for a reason nobody sees until a request waits. Fails fast, naming both variables.
 */
export const checkJiraGroupApprovers = (policy: Policy, jira: JiraIngressSettings | undefined): void => {
  if (!jira || jira.directory || !policyNamesJiraGroups(policy)) return;
  throw new ConfigError(
    'The policy names approval.approvers.jiraGroups, whose members are read from Jira: set JIRA_BASE_URL and JIRA_API_TOKEN (and JIRA_EMAIL for Jira Cloud) for the ingest function',
  );
};
