import type { JiraIngressSettings } from '#shared/ingress/jira/jira-settings.ts';
import type { JiraIssue, JiraWebhook } from '#shared/ingress/jira/jira-webhook-payload.ts';

export type TriggerVerdict =
  | { readonly trigger: true; readonly issue: JiraIssue }
  | { readonly trigger: false; readonly reason: string };

const same = (a: string | undefined | null, b: string) => a?.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Whether a webhook makes a request: an issue of a configured project and issue type that is created
 * in the trigger status, or moved into it (`changelog` has a `status` item to it). Without a trigger
 * status, every created issue does and updates never do.
 */
export const triggerOf = (webhook: JiraWebhook, settings: JiraIngressSettings): TriggerVerdict => {
  const { issue, webhookEvent } = webhook;
  if (webhookEvent !== 'jira:issue_created' && webhookEvent !== 'jira:issue_updated') {
    return { trigger: false, reason: `event ${webhookEvent} does not make requests` };
  }
  if (!issue) return { trigger: false, reason: `${webhookEvent} without an issue` };
  const project = issue.fields.project.key;
  if (!settings.projects.includes(project))
    return { trigger: false, reason: `project ${project} is not configured` };
  const type = issue.fields.issuetype?.name;
  if (settings.issueTypes.length > 0 && !settings.issueTypes.some((wanted) => same(type, wanted))) {
    return { trigger: false, reason: `issue type ${type ?? '(none)'} is not configured` };
  }
  const status = settings.triggerStatus;
  if (webhookEvent === 'jira:issue_created') {
    return !status || same(issue.fields.status?.name, status)
      ? { trigger: true, issue }
      : {
          trigger: false,
          reason: `created in status ${issue.fields.status?.name ?? '(none)'}, not ${status}`,
        };
  }
  if (!status) return { trigger: false, reason: 'updates make requests only with JIRA_TRIGGER_STATUS' };
  const movedIn = (webhook.changelog?.items ?? []).some(
    (item) => (item.fieldId ?? item.field).toLowerCase() === 'status' && same(item.toString, status),
  );
  return movedIn ? { trigger: true, issue } : { trigger: false, reason: `not a move into status ${status}` };
};
