import { parseReplicaRemoval } from '#shared/domain/removal-request.ts';
import { parseStoredRequest, type StoredReplicaRequest } from '#shared/domain/stored-request.ts';
import { ValidationError } from '#shared/errors.ts';
import type { SlashCommand } from '#shared/ingress/slack/slack-command-form.ts';
import { OPTION_FIELDS, type SlackCommand } from '#shared/ingress/slack/slack-command-grammar.ts';
import type { StoredRemoval } from '#shared/use-cases/submit-removal.ts';

type AddCommand = Extract<SlackCommand, { kind: 'add' }>;

/** Request field → the word the user typed, so schema errors are named as in the command. */
const OPTION_OF_FIELD: Readonly<Record<string, string>> = {
  MasterDBInstanceId: 'primary',
  ...Object.fromEntries(Object.entries(OPTION_FIELDS).map(([option, field]) => [field, option])),
};

/** `slack:{team}:{trigger}`: a repeat of one command (same trigger id) lands on the same request. */
export const slackIdempotencyKey = (form: SlashCommand): string => `slack:${form.team_id}:${form.trigger_id}`;

/**
 * The stored request of `/replica add`: the user is the requester, the channel is where the
 * completion goes. `requester.context` holds only what the signed command says about itself
 * (team, channel, command text), so a repeat of it hashes the same; `response_url` (valid for 30
 * minutes, shorter than provisioning can take) is not kept.
 */
const slackRequester = (form: SlashCommand) => ({
  source: 'slack' as const,
  identity: form.user_id,
  ...(form.user_name ? { displayName: form.user_name } : {}),
  context: {
    team: form.team_id,
    ...(form.team_domain ? { teamDomain: form.team_domain } : {}),
    channel: form.channel_id,
    ...(form.channel_name ? { channelName: form.channel_name } : {}),
    command: `${form.command} ${form.text}`.slice(0, 2048),
  },
});

/** The stored removal of `/replica remove`: explicit, from Slack (so never a prepaid replica: no admin role). */
export const slackReplicaRemoval = (
  command: Extract<SlackCommand, { kind: 'remove' }>,
  form: SlashCommand,
): StoredRemoval => {
  try {
    const body = parseReplicaRemoval({
      MasterDBInstanceId: command.primary,
      ...(command.replica ? { DBInstanceId: command.replica } : {}),
      ...(command.dryRun ? { dryRun: true } : {}),
    });
    return {
      ...body,
      idempotencyKey: slackIdempotencyKey(form),
      requester: slackRequester(form),
      trigger: { kind: 'slack' },
    };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const issues = error.issues.map((issue) => ({
      ...issue,
      field:
        issue.field === 'MasterDBInstanceId'
          ? 'primary'
          : issue.field === 'DBInstanceId'
            ? 'replica'
            : issue.field,
    }));
    throw new ValidationError('The command has errors', issues, { cause: error });
  }
};

export const slackReplicaRequest = (command: AddCommand, form: SlashCommand): StoredReplicaRequest => {
  try {
    return parseStoredRequest({
      MasterDBInstanceId: command.primary,
      ...command.fields,
      ...(command.dryRun ? { dryRun: true } : {}),
      idempotencyKey: slackIdempotencyKey(form),
      requester: {
        source: 'slack',
        identity: form.user_id,
        ...(form.user_name ? { displayName: form.user_name } : {}),
        context: {
          team: form.team_id,
          ...(form.team_domain ? { teamDomain: form.team_domain } : {}),
          channel: form.channel_id,
          ...(form.channel_name ? { channelName: form.channel_name } : {}),
          command: `${form.command} ${form.text}`.slice(0, 2048),
        },
      },
    });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const issues = error.issues.map((issue) => {
      const [field = '', ...rest] = issue.field.split('.');
      return { ...issue, field: [OPTION_OF_FIELD[field] ?? field, ...rest].join('.') };
    });
    throw new ValidationError('The command has errors', issues, { cause: error });
  }
};
