import type { ApprovalRecord } from '#shared/domain/approval-record.ts';
import type { Policy } from '#shared/domain/policy.ts';
import { parsePolicy } from '#shared/domain/policy-loader.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { FIXTURE_TIME, notification } from '#test/fixtures/request-records.ts';
import { minutesFromStart, validatedRecord } from '#test/support/core-harness.ts';

/** Approvers as a policy names them (YAML flow style): two Slack users, or a key with the approver role. */
const SLACK_AND_API_APPROVERS = '{ slackUsers: [U0BOSS, U012ABCDEF], apiKeys: true }';

/**
 * The fixture request's primary: prepaid and every plan above CNY 200 a month wait for a second
 * person, one of `approvers`.
 */
export const approvalPolicy = (expiresAfterSeconds = 3600, approvers = SLACK_AND_API_APPROVERS): Policy =>
  parsePolicy(
    `version: 1
regions: [ap-beijing]
specs: [pg.it.small2]
limits: { maxStorage: 500, maxInstanceCount: 2, maxReplicasPerPrimary: 3, prepaidAllowed: true }
primaries:
  postgres-abcdef: {}
approval:
  when: [prepaid, { aboveMonthlyPrice: 200 }]
  approvers: ${approvers}
  expiresAfterSeconds: ${expiresAfterSeconds}
`,
    'yaml',
  );

/** The approval step as validate starts it at the fixture time, an hour to decide. */
export const waitingApproval = (record: Pick<RequestRecord, 'requester'>): ApprovalRecord => ({
  reasons: [
    { condition: 'aboveMonthlyPrice', message: 'the plan costs CNY 248.20 a month, above CNY 200.00' },
  ],
  requester: record.requester,
  requestedAt: FIXTURE_TIME,
  expiresAt: minutesFromStart(60),
});

/** A record as validate leaves it when the plan needs an approver (requested by Slack user U012ABCDEF). */
export const awaitingRecord = (overrides: Partial<RequestRecord> = {}): RequestRecord => {
  const base = validatedRecord('AWAITING_APPROVAL', { deadline: undefined });
  const { deadline: _none, ...record } = base;
  return {
    ...record,
    approval: waitingApproval(base),
    notification: notification('DELIVERED', { type: 'replica.awaiting_approval' }),
    ...overrides,
  };
};
