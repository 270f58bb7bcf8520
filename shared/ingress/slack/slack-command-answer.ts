import type { Policy } from '#shared/domain/policy.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { ValidationError } from '#shared/errors.ts';
import { authorizeSlackUser } from '#shared/ingress/slack/slack-authorization.ts';
import type { SlashCommand } from '#shared/ingress/slack/slack-command-form.ts';
import { parseSlackCommand, type SlackCommand } from '#shared/ingress/slack/slack-command-grammar.ts';
import { slackReplicaRemoval, slackReplicaRequest } from '#shared/ingress/slack/slack-replica-request.ts';
import {
  acceptedReply,
  helpReply,
  problemsReply,
  refusedReply,
  type SlackReply,
  statusReply,
  unknownRequestReply,
} from '#shared/ingress/slack/slack-replies.ts';
import { logger } from '#shared/logger.ts';
import { submitRemoval } from '#shared/use-cases/submit-removal.ts';
import { type SubmitDependencies, submitRequest } from '#shared/use-cases/submit-request.ts';

export interface SlashCommandDependencies extends SubmitDependencies {
  readonly policy: Policy;
}

const who = (form: SlashCommand) => ({ user: form.user_id, channel: form.channel_id });

/**
 * `add`: grammar and schema first (so the primary is a well-formed id before it is shown back),
 * then the policy's Slack authorization; only then is the request recorded. Anything known to be
 * wrong is answered at once and nothing is recorded.
 */
const answerAdd = async (
  command: Extract<SlackCommand, { kind: 'add' }>,
  form: SlashCommand,
  deps: SlashCommandDependencies,
): Promise<SlackReply> => {
  const request = slackReplicaRequest(command, form);
  const verdict = authorizeSlackUser(deps.policy, request.MasterDBInstanceId, who(form));
  if (!verdict.allowed) {
    logger.info('slack: command refused by the policy', { team: form.team_id, user: form.user_id });
    return refusedReply(verdict.reason);
  }
  const { record, replayed } = await submitRequest(request, deps);
  logger.info('slack: request recorded', { requestId: record.requestId, replayed, team: form.team_id });
  return acceptedReply(record, replayed);
};

/** `remove`: the body is checked by the removal schema, then the policy's Slack authorization for the primary. */
const answerRemove = async (
  command: Extract<SlackCommand, { kind: 'remove' }>,
  form: SlashCommand,
  deps: SlashCommandDependencies,
): Promise<SlackReply> => {
  const removal = slackReplicaRemoval(command, form);
  const verdict = authorizeSlackUser(deps.policy, removal.MasterDBInstanceId, who(form));
  if (!verdict.allowed) return refusedReply(verdict.reason);
  const { record, replayed } = await submitRemoval(removal, deps);
  logger.info('slack: removal recorded', { requestId: record.requestId, replayed, team: form.team_id });
  return acceptedReply(record, replayed);
};

/** Its own requester, or anyone the policy lets ask for replicas of its primary here, may see a request. */
const mayView = (record: RequestRecord, form: SlashCommand, policy: Policy): boolean =>
  (record.requester.source === 'slack' &&
    record.requester.identity === form.user_id &&
    record.requester.context?.team === form.team_id) ||
  authorizeSlackUser(policy, record.request.MasterDBInstanceId, who(form)).allowed;

const answerStatus = async (
  requestId: string,
  form: SlashCommand,
  deps: SlashCommandDependencies,
): Promise<SlackReply> => {
  const record = await deps.store.get(requestId);
  return record && mayView(record, form, deps.policy) ? statusReply(record) : unknownRequestReply(requestId);
};

/** The immediate (ephemeral) answer to a verified slash command. */
export const answerSlashCommand = async (
  form: SlashCommand,
  deps: SlashCommandDependencies,
): Promise<SlackReply> => {
  try {
    const command = parseSlackCommand(form.text);
    if (command.kind === 'help') return helpReply();
    if (command.kind === 'status') return await answerStatus(command.requestId, form, deps);
    if (command.kind === 'remove') return await answerRemove(command, form, deps);
    return await answerAdd(command, form, deps);
  } catch (error) {
    if (error instanceof ValidationError) return problemsReply(error.issues);
    throw error;
  }
};
