import type { Policy } from '#shared/domain/policy.ts';
import type { Approval } from '#shared/domain/policy-budget-schema.ts';
import { ConfigError } from '#shared/errors.ts';
import type { JiraIngressSettings } from '#shared/ingress/jira/jira-settings.ts';

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
