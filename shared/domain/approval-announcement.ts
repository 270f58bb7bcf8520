import type { ApprovalAnnouncement } from '#shared/domain/approval-record.ts';
import type { Approval } from '#shared/domain/policy-budget-schema.ts';
import type { Requester } from '#shared/domain/replica-request.ts';

/**
 * Where a request that starts waiting for approval is announced besides its own source: the
 * policy's `approval.approvers.slackChannel`, for a request not made in Slack (API, alert, Jira),
 * whose approvers would otherwise never see it in Slack. A Slack request is announced in its own
 * channel (the requester's), so it gets none; nor does a policy without a channel.
 */
export const approvalAnnouncement = (
  requester: Requester,
  approval: Approval | undefined,
): ApprovalAnnouncement | undefined => {
  const slackChannel = approval?.approvers.slackChannel;
  if (requester.source === 'slack' || !slackChannel) return undefined;
  return { slackChannel };
};
