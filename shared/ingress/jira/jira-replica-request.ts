import type { Requester } from '#shared/domain/replica-request.ts';
import { regionOfZone } from '#shared/domain/replica-request-fields.ts';
import { parseStoredRequest, type StoredReplicaRequest } from '#shared/domain/stored-request.ts';
import { type FieldIssue, ValidationError } from '#shared/errors.ts';
import type { JiraFieldMap, TicketField } from '#shared/ingress/jira/jira-settings.ts';
import { type TicketValues, ticketValues } from '#shared/ingress/jira/jira-ticket-fields.ts';
import type { JiraIssue, JiraWebhook } from '#shared/ingress/jira/jira-webhook-payload.ts';

const CHARGES: Readonly<Record<string, string>> = {
  postpaid: 'POSTPAID_BY_HOUR',
  postpaid_by_hour: 'POSTPAID_BY_HOUR',
  prepaid: 'PREPAID',
};

/** Text → the request's types; a value that does not convert is passed on for the schema to name. */
const typed = (field: TicketField, value: string): unknown => {
  switch (field) {
    case 'Storage':
    case 'InstanceCount': {
      const digits = value.replace(/\s*gb$/i, '');
      return /^\d{1,9}$/.test(digits) ? Number(digits) : value;
    }
    case 'InstanceChargeType':
      return CHARGES[value.toLowerCase()] ?? value;
    case 'dryRun':
      return /^(?:true|yes|1)$/i.test(value) ? true : /^(?:false|no|0)$/i.test(value) ? false : value;
    default:
      return value;
  }
};

/**
 * `jira:{issue key}`: one request per ticket (see `submitTicket` for a corrected ticket after a
 * rejection), in the namespace of the ticket's Jira site (`jiraSite`), which no API key shares.
 */
export const jiraIdempotencyKey = (issue: JiraIssue): string => `jira:${issue.key}`;

/**
 * The Jira site a ticket is on: the host of the issue's `self` URL (from the signed webhook), in
 * lower case; `undefined` when the payload names none. It scopes the ticket's idempotency key.
 */
export const jiraSite = (issue: JiraIssue): string | undefined => {
  if (!issue.self || !URL.canParse(issue.self)) return undefined;
  return new URL(issue.self).host.toLowerCase() || undefined;
};

/** The reporter (or, without one, the user whose change fired the webhook) asks; the issue is where to answer. */
export const jiraRequester = (webhook: JiraWebhook, issue: JiraIssue): Requester => {
  const person = issue.fields.reporter ?? webhook.user;
  const identity = person?.accountId ?? person?.key ?? person?.name;
  if (!identity) {
    throw new ValidationError('The ticket names no requester', [
      { field: 'issue.fields.reporter', message: 'the issue has no reporter and the event no user' },
    ]);
  }
  const site = jiraSite(issue);
  return {
    source: 'jira',
    identity,
    ...(person?.displayName ? { displayName: person.displayName } : {}),
    // Stable for the issue, so a repeat of the same ticket hashes the same; `site` scopes its key.
    context: {
      issueKey: issue.key,
      issueId: issue.id,
      project: issue.fields.project.key,
      ...(site ? { site } : {}),
    },
  };
};

const whereToSet = (field: TicketField, fieldMap: JiraFieldMap): string =>
  fieldMap[field] ? `set ${fieldMap[field]} or` : 'add';

/**
 * The stored request of a ticket. A problem is a `ValidationError` whose issues name the Jira field or
 * description line the value came from, so the comment back on the ticket says what to fix.
 */
export const jiraReplicaRequest = (
  webhook: JiraWebhook,
  issue: JiraIssue,
  fieldMap: JiraFieldMap,
): StoredReplicaRequest => {
  const { values, issues } = ticketValues(issue.fields, fieldMap);
  const requester = jiraRequester(webhook, issue);
  const problems: FieldIssue[] = [...issues];
  if (!values.MasterDBInstanceId) {
    problems.push({
      field: 'MasterDBInstanceId',
      message: `required: ${whereToSet('MasterDBInstanceId', fieldMap)} a "primary: postgres-…" line in the description`,
    });
  }
  if (problems.length > 0) throw new ValidationError('The ticket is not a readable request', problems);
  const request: Record<string, unknown> = {};
  for (const [field, { value }] of Object.entries(values) as [TicketField, { value: string }][]) {
    request[field] = typed(field, value);
  }
  if (typeof request.Zone === 'string' && request.Region === undefined) {
    const region = regionOfZone(request.Zone);
    if (region) request.Region = region;
  }
  try {
    return parseStoredRequest({ ...request, idempotencyKey: jiraIdempotencyKey(issue), requester });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError('The ticket is not a valid request', namedBySource(error.issues, values), {
      cause: error,
    });
  }
};

const namedBySource = (issues: readonly FieldIssue[], values: TicketValues): FieldIssue[] =>
  issues.map((issue) => {
    const source = values[issue.field.split('.')[0] as TicketField]?.from;
    return source ? { ...issue, field: `${issue.field} (${source})` } : issue;
  });
