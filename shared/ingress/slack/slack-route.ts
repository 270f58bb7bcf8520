import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { jsonResponse } from '#shared/http/http-response.ts';
import { header, readRawBody } from '#shared/http/request-body.ts';
import {
  answerSlashCommand,
  type SlashCommandDependencies,
} from '#shared/ingress/slack/slack-command-answer.ts';
import { parseSlashCommand } from '#shared/ingress/slack/slack-command-form.ts';
import { verifySlackRequest } from '#shared/ingress/slack/slack-request.ts';
import type { SlackIngressSettings } from '#shared/ingress/slack/slack-settings.ts';

export interface SlackRouteDependencies extends SlashCommandDependencies {
  /** Absent when `SLACK_SIGNING_SECRET` is not configured: every request is then refused. */
  readonly slack?: SlackIngressSettings;
}

/** A slash command is a few hundred bytes; `text` is at most 4000 characters, percent-encoded. */
export const SLACK_BODY_LIMIT_BYTES = 32 * 1024;

/** Slack's certificate check (`ssl_check=1`, no command): answered 200 with nothing done. */
const isSslCheck = (rawBody: Buffer): boolean =>
  /^(?:token=[\w-]*&)?ssl_check=1(?:&token=[\w-]*)?$/.test(rawBody.toString('latin1'));

/**
 * `POST /v1/chatops/slack`: slash commands. The signature is checked over the exact bytes before the
 * form is decoded; the answer (within Slack's 3 seconds: one store write and one queue send) is an
 * ephemeral message with the request id, or with every problem found.
 */
export const slackRoute =
  (deps: SlackRouteDependencies) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const rawBody = readRawBody(event, SLACK_BODY_LIMIT_BYTES);
    if (isSslCheck(rawBody)) return { statusCode: 200 };
    verifySlackRequest(event, rawBody, deps.slack, deps.clock.now(), 'request');
    const form = parseSlashCommand(header(event, 'content-type'), rawBody);
    return jsonResponse(200, await answerSlashCommand(form, deps));
  };
