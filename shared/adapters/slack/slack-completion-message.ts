import { approverLabel } from '#shared/domain/approval-record.ts';
import { budgetCheckLines } from '#shared/domain/budget-summary.ts';
import { priceText } from '#shared/domain/plan-price.ts';
import type { WebhookType } from '#shared/domain/request-record.ts';
import type { Completion } from '#shared/ports/source-notifier.ts';
import { durationText } from '#shared/util/duration-text.ts';

/** A Slack message: `text` is the notification and screen-reader fallback, `blocks` what is shown. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

/** Slack's mrkdwn reserves `&`, `<` and `>`; everything from outside is escaped before it is shown. */
export const escapeMrkdwn = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

const HEADLINES: Readonly<Record<WebhookType, (primary: string) => string>> = {
  'replica.ready': (primary) => `:white_check_mark: Read replica of *${primary}* is ready`,
  'replica.failed': (primary) => `:x: Read replica of *${primary}* failed`,
  'replica.timed_out': (primary) => `:hourglass: Read replica of *${primary}* timed out`,
  'replica.rejected': (primary) => `:no_entry: Request for a read replica of *${primary}* was rejected`,
  'replica.dry_run': (primary) => `:mag: Dry run for *${primary}*: nothing was created`,
  'replica.suppressed': (primary) => `:zzz: Request for a read replica of *${primary}* was suppressed`,
  'replica.removed': (primary) => `:wastebasket: A read replica of *${primary}* was removed`,
  'replica.removal_failed': (primary) => `:x: Removing a read replica of *${primary}* failed`,
  'replica.removal_suppressed': (primary) =>
    `:no_entry: Removal of a read replica of *${primary}* was refused; nothing was removed`,
  'replica.awaiting_approval': (primary) => `:raised_hand: A read replica of *${primary}* awaits approval`,
  'replica.approved': (primary) => `:+1: Read replica of *${primary}* approved; creating it`,
  'replica.denied': (primary) => `:no_entry: Read replica of *${primary}* was denied`,
  'replica.expired': (primary) => `:hourglass: Read replica of *${primary}* expired unapproved`,
};

const replicaLine = (instance: Completion['instances'][number]): string => {
  const address =
    instance.privateIp && instance.port
      ? ` at \`${escapeMrkdwn(`${instance.privateIp}:${instance.port}`)}\``
      : '';
  return `\`${escapeMrkdwn(instance.instanceId)}\`${address}`;
};

const detailLines = (completion: Completion): string[] => {
  const lines: string[] = [];
  if (completion.instances.length > 0) {
    lines.push(`*Replicas:* ${completion.instances.map(replicaLine).join(', ')}`);
  }
  if (completion.failure) {
    lines.push(
      `*Error:* \`${escapeMrkdwn(completion.failure.code)}\` ${escapeMrkdwn(completion.failure.message)}`,
    );
  }
  for (const violation of completion.violations) lines.push(`• ${escapeMrkdwn(violation.message)}`);
  const plan = completion.plan;
  if (plan) {
    lines.push(
      `*Would create:* ${plan.InstanceCount} × \`${escapeMrkdwn(plan.SpecCode)}\`, ${plan.Storage} GB in ` +
        `\`${escapeMrkdwn(plan.Zone)}\` (${plan.InstanceChargeType})`,
    );
  }
  if (completion.price) lines.push(`*Price:* ${escapeMrkdwn(priceText(completion.price))}`);
  if (completion.budgetCheck) lines.push(...budgetCheckLines(completion.budgetCheck).map(escapeMrkdwn));
  lines.push(...approvalLines(completion));
  if (completion.elapsedSeconds !== undefined) {
    lines.push(`*Elapsed:* ${durationText(completion.elapsedSeconds)}`);
  }
  return lines;
};

/** Why it waits and until when; once decided, the decision and who made it. */
const approvalLines = (completion: Completion): string[] => {
  const approval = completion.approval;
  if (!approval) return [];
  const decision = approval.decision;
  if (decision) {
    const verb = decision.decision === 'approve' ? 'Approved' : 'Denied';
    const who =
      decision.by.source === 'slack' ? `<@${decision.by.id}>` : escapeMrkdwn(approverLabel(decision.by));
    const why = decision.reason ? `: ${escapeMrkdwn(decision.reason)}` : '';
    return [`*${verb}* by ${who} at ${decision.at}${why}`];
  }
  if (completion.type !== 'replica.awaiting_approval') return [];
  // The reasons are the budget check's `*Approval needed:*` line, when there is one.
  return [
    ...(completion.budgetCheck
      ? []
      : approval.reasons.map((reason) => `*Approval needed:* ${escapeMrkdwn(reason.message)}`)),
    `*Approve by:* ${approval.expiresAt}`,
  ];
};

/** The action ids of the approval message's buttons; their `value` is the request id. */
export const APPROVE_ACTION = 'replica-approve';
export const DENY_ACTION = 'replica-deny';

/** The Approve / Deny buttons (Block Kit `actions`), for a request awaiting approval. */
const approvalButtons = (requestId: string): Record<string, unknown> => ({
  type: 'actions',
  block_id: 'rf-approval',
  elements: [
    {
      type: 'button',
      action_id: APPROVE_ACTION,
      text: { type: 'plain_text', text: 'Approve' },
      style: 'primary',
      value: requestId,
    },
    {
      type: 'button',
      action_id: DENY_ACTION,
      text: { type: 'plain_text', text: 'Deny' },
      style: 'danger',
      value: requestId,
    },
  ],
});

/**
 * Who asked, for the headline: a Slack user is mentioned; anyone else (an API key, an alert source, a
 * Jira reporter: a request announced in the approvals channel) is named as text, never as a mention,
 * so the approvers see who wants the spend and nobody is pinged by a look-alike name.
 */
const askerOf = (requester: Completion['requester']): string => {
  if (requester.source === 'slack') {
    return /^[UW][A-Z0-9]+$/.test(requester.identity) ? ` (asked by <@${requester.identity}>)` : '';
  }
  const issue = requester.context?.issueKey ? ` on ${requester.context.issueKey}` : '';
  return ` (asked by ${escapeMrkdwn(`${requester.source}:${requester.displayName ?? requester.identity}${issue}`)})`;
};

/** The completion as posted to the channel: primary, replicas and their private address, elapsed time, error. */
export const slackCompletionMessage = (completion: Completion): SlackMessage => {
  const primary = escapeMrkdwn(completion.primary);
  const asker = askerOf(completion.requester);
  const headline = `${HEADLINES[completion.type](primary)}${asker}`;
  const details = detailLines(completion);
  const footer = `replica-flow request \`${completion.requestId}\``;
  return {
    text: [headline, ...details, footer].join('\n'),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: headline } },
      ...(details.length ? [{ type: 'section', text: { type: 'mrkdwn', text: details.join('\n') } }] : []),
      ...(completion.type === 'replica.awaiting_approval' && !completion.approval?.decision
        ? [approvalButtons(completion.requestId)]
        : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: footer }] },
    ],
  };
};
