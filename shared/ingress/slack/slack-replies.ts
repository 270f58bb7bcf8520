import { escapeMrkdwn } from '#shared/adapters/slack/slack-completion-message.ts';
import { priceText } from '#shared/domain/plan-price.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { FieldIssue } from '#shared/errors.ts';
import { USAGE } from '#shared/ingress/slack/slack-command-grammar.ts';

/** The immediate answer to a slash command: shown only to the user who typed it. */
export interface SlackReply {
  readonly response_type: 'ephemeral';
  readonly text: string;
}

const ephemeral = (text: string): SlackReply => ({ response_type: 'ephemeral', text });

export const helpReply = (): SlackReply =>
  ephemeral(`Read replicas of TencentDB for PostgreSQL, made exactly once:\n${USAGE}`);

export const problemsReply = (issues: readonly FieldIssue[]): SlackReply =>
  ephemeral(
    [
      ':warning: Nothing was requested:',
      ...issues.map((issue) => `• \`${escapeMrkdwn(issue.field)}\`: ${escapeMrkdwn(issue.message)}`),
      '',
      USAGE,
    ].join('\n'),
  );

/** `reason` is built by replica-flow (it may hold Slack mentions), never typed by the user. */
export const refusedReply = (reason: string): SlackReply =>
  ephemeral(`:no_entry: Nothing was requested: ${reason}.`);

export const acceptedReply = (record: RequestRecord, replayed: boolean): SlackReply => {
  const id = `\`${record.requestId}\``;
  const primary = `*${escapeMrkdwn(record.request.MasterDBInstanceId)}*`;
  const what = record.request.dryRun
    ? `Dry run ${id} for ${primary}`
    : `Read replica of ${primary}: request ${id}`;
  const state = replayed ? ` (already received; now ${record.state})` : ' queued';
  // A new request is answered before validate has priced it; a replayed one may already have a price.
  const price = record.price ? ` Price: ${escapeMrkdwn(priceText(record.price))}.` : '';
  return ephemeral(
    `:inbox_tray: ${what}${state}.${price} The result will be posted in this channel; ` +
      `follow it with \`/replica status ${record.requestId}\`.`,
  );
};

export const statusReply = (record: RequestRecord): SlackReply => {
  const lines = [
    `Request \`${record.requestId}\` for *${escapeMrkdwn(record.request.MasterDBInstanceId)}*: *${record.state}*`,
  ];
  for (const instance of record.instances ?? []) {
    const address =
      instance.privateIp && instance.port ? ` at \`${instance.privateIp}:${instance.port}\`` : '';
    lines.push(`• \`${escapeMrkdwn(instance.instanceId)}\` ${escapeMrkdwn(instance.status)}${address}`);
  }
  if (record.failure) {
    lines.push(`• \`${escapeMrkdwn(record.failure.code)}\` ${escapeMrkdwn(record.failure.message)}`);
  }
  for (const violation of record.violations ?? []) lines.push(`• ${escapeMrkdwn(violation.message)}`);
  if (record.price) lines.push(`Price: ${escapeMrkdwn(priceText(record.price))}`);
  lines.push(`Last change ${record.updatedAt}`);
  return ephemeral(lines.join('\n'));
};

export const unknownRequestReply = (requestId: string): SlackReply =>
  ephemeral(`No request \`${requestId}\` that you may see.`);
