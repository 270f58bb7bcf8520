import { approverLabel } from '#shared/domain/approval-record.ts';
import { priceText } from '#shared/domain/plan-price.ts';
import type { WebhookType } from '#shared/domain/request-record.ts';
import type { FieldIssue } from '#shared/errors.ts';
import type { Completion } from '#shared/ports/source-notifier.ts';
import { durationText } from '#shared/util/duration-text.ts';

/**
 * Comment bodies in Jira wiki markup (REST API v2 takes `body` as wiki text). Values from outside
 * are escaped so a message with `{`, `[` or `|` cannot turn into markup.
 */
export const escapeWiki = (text: string): string => text.replace(/[{}[\]|*\\]/g, (char) => `\\${char}`);

const monospace = (text: string): string => `{{${escapeWiki(text)}}}`;

const HEADLINES: Readonly<Record<WebhookType, string>> = {
  'replica.ready': '(/) *Read replica ready*',
  'replica.failed': '(x) *Read replica failed*',
  'replica.timed_out': '(x) *Read replica timed out*',
  'replica.rejected': '(!) *Read replica request rejected*',
  'replica.dry_run': '(i) *Dry run: nothing was created*',
  'replica.suppressed': '(i) *Read replica request suppressed*',
  'replica.removed': '(/) *Read replica removed*',
  'replica.removal_failed': '(x) *Read replica removal failed*',
  'replica.removal_suppressed': '(i) *Read replica removal refused: nothing was removed*',
  'replica.awaiting_approval': '(?) *Read replica awaiting approval*',
  'replica.approved': '(/) *Read replica approved: creating it*',
  'replica.denied': '(x) *Read replica request denied*',
  'replica.expired': '(x) *Read replica request expired without approval*',
};

/** The completion comment: primary, replicas and their private address, elapsed time, error or rules broken. */
export const jiraCompletionComment = (completion: Completion): string => {
  const lines = [`${HEADLINES[completion.type]} for primary ${monospace(completion.primary)}`, ''];
  for (const instance of completion.instances) {
    const address =
      instance.privateIp && instance.port ? ` at ${monospace(`${instance.privateIp}:${instance.port}`)}` : '';
    lines.push(`* Replica ${monospace(instance.instanceId)}${address}`);
  }
  if (completion.failure) {
    lines.push(`* Error ${monospace(completion.failure.code)}: ${escapeWiki(completion.failure.message)}`);
  }
  for (const violation of completion.violations) lines.push(`* ${escapeWiki(violation.message)}`);
  const plan = completion.plan;
  if (plan) {
    lines.push(
      `* Would create ${plan.InstanceCount} × ${monospace(plan.SpecCode)}, ${plan.Storage} GB in ` +
        `${monospace(plan.Zone)} (${plan.InstanceChargeType})`,
    );
  }
  if (completion.price) lines.push(`* Price: ${escapeWiki(priceText(completion.price))}`);
  lines.push(...approvalLines(completion));
  if (completion.elapsedSeconds !== undefined)
    lines.push(`* Elapsed: ${durationText(completion.elapsedSeconds)}`);
  lines.push('', `replica-flow request ${monospace(completion.requestId)}`);
  return lines.join('\n');
};

/** What waits for approval and why, until when; once decided, the decision and who made it. */
const approvalLines = (completion: Completion): string[] => {
  const approval = completion.approval;
  if (!approval) return [];
  const decision = approval.decision;
  if (decision) {
    const verb = decision.decision === 'approve' ? 'Approved' : 'Denied';
    const why = decision.reason ? `: ${escapeWiki(decision.reason)}` : '';
    return [`* ${verb} by ${monospace(approverLabel(decision.by))} at ${decision.at}${why}`];
  }
  if (completion.type !== 'replica.awaiting_approval') return [];
  return [
    ...approval.reasons.map((reason) => `* Needs approval: ${escapeWiki(reason.message)}`),
    `* An approver may approve until ${approval.expiresAt} (move the ticket into the approval status, or use Slack or the API)`,
  ];
};

/** Told at once when a ticket cannot be read as a request (nothing was recorded). */
export const jiraUnreadableTicketComment = (problems: readonly FieldIssue[]): string =>
  [
    '(!) *replica-flow could not read this ticket as a read replica request*',
    '',
    ...problems.map((problem) => `* ${monospace(problem.field)}: ${escapeWiki(problem.message)}`),
    '',
    'Fix the fields and move the ticket into the trigger status again.',
  ].join('\n');
