import { describe, expect, it } from 'vitest';
import {
  type ApproverIdentity,
  fallbackOnExceeded,
  mayApprove,
  needsApproval,
} from '#shared/domain/approval-rules.ts';
import { checkBudgets } from '#shared/domain/budget.ts';
import type { PlanPrice } from '#shared/domain/plan-price.ts';
import { parsePolicy } from '#shared/domain/policy-loader.ts';
import type { Requester } from '#shared/domain/replica-request.ts';

/** The "done when": prepaid needs a second person; at most 3,000 CNY a month for billing-db. */
const teamPolicy = (
  approval = `approval:
  when: [prepaid, { aboveMonthlyPrice: 1000 }]
  approvers:
    slackUsers: [U0BOSS, U0ALICE]
    jiraGroups: [db-owners]
    jiraApprovalStatus: Approved
    apiKeys: true
`,
) =>
  parsePolicy(
    `version: 1
regions: [ap-beijing]
specs: [pg.it.small2]
limits: { maxStorage: 500, maxInstanceCount: 2, maxReplicasPerPrimary: 3, prepaidAllowed: true }
primaries:
  billing-db: {}
  audit-db:
    approval:
      when: [always]
      approvers: { slackUsers: [U0AUDITOR] }
budgets:
  currency: CNY
  perPrimary:
    billing-db: { monthlyCeiling: 3000, onExceeded: approval }
${approval}`,
    'yaml',
  );

const hourly = (discountedMinor: number): PlanPrice => ({
  originalMinor: discountedMinor,
  discountedMinor,
  currency: 'CNY',
  per: 'PT1H',
});
const postpaid = (primary = 'billing-db') => ({
  MasterDBInstanceId: primary,
  InstanceChargeType: 'POSTPAID_BY_HOUR',
});
const conditions = (reasons: readonly { condition: string }[]) => reasons.map((reason) => reason.condition);

describe('needsApproval', () => {
  const policy = teamPolicy();

  it('asks a second person for a prepaid replica, and not for a cheap hourly one', () => {
    expect(
      conditions(
        needsApproval({ ...postpaid(), InstanceChargeType: 'PREPAID' }, hourly(1), undefined, policy),
      ),
    ).toEqual(['prepaid']);
    expect(needsApproval(postpaid(), hourly(1), undefined, policy)).toEqual([]);
  });

  it('asks above the monthly price, and not at it', () => {
    // 1,000 CNY a month = 100,000 fen; 137 fen an hour × 730 = 100,010 fen.
    const above = needsApproval(postpaid(), hourly(137), undefined, policy);
    expect(above).toEqual([
      { condition: 'aboveMonthlyPrice', message: 'the plan costs CNY 1,000.10 a month, above CNY 1,000.00' },
    ]);
    expect(needsApproval(postpaid(), { ...hourly(0), discountedMinor: 0 }, undefined, policy)).toEqual([]);
  });

  it('asks when a budget whose excess waits for approval would be passed, naming it', () => {
    const verdict = checkBudgets(
      {
        requestId: 'r-1',
        subject: { primaryId: 'billing-db', requester: { source: 'api', identity: 'ci' } },
        price: hourly(411),
      },
      [],
      policy.budgets,
    );
    expect(needsApproval(postpaid(), hourly(411), verdict, policy)).toEqual([
      { condition: 'aboveMonthlyPrice', message: 'the plan costs CNY 3,000.30 a month, above CNY 1,000.00' },
      {
        condition: 'overBudget',
        message:
          'budgets.perPrimary.billing-db would reach CNY 3,000.30, above its monthly ceiling of CNY 3,000.00',
      },
    ]);
  });

  it("uses a primary's own approval section over the top-level one", () => {
    expect(conditions(needsApproval(postpaid('audit-db'), hourly(1), undefined, policy))).toEqual(['always']);
  });

  it('makes overBudget the default onExceeded only for primaries whose approval lists it', () => {
    const overBudget = teamPolicy(`approval:
  when: [overBudget]
  approvers: { apiKeys: true }
`);
    expect(fallbackOnExceeded(overBudget, 'billing-db')).toBe('approval');
    expect(fallbackOnExceeded(overBudget, 'audit-db')).toBe('reject');
  });
});

describe('mayApprove', () => {
  const policy = teamPolicy();
  const requestedBy = (requester: Requester, primary = 'billing-db') => ({
    requester,
    request: { MasterDBInstanceId: primary },
    waitingSince: '2026-12-07T10:00:00.000Z',
  });
  const soon = new Date('2026-12-07T11:00:00.000Z');
  const slack = (userId: string): ApproverIdentity => ({ source: 'slack', userId });
  const fromAlice = requestedBy({ source: 'slack', identity: 'U0ALICE' });

  it('lets a listed Slack user approve someone else’s request', () => {
    expect(mayApprove(slack('U0BOSS'), fromAlice, policy, soon)).toEqual({ allowed: true });
  });

  it('never lets the requester approve their own request, though they are a listed approver (four eyes)', () => {
    expect(mayApprove(slack('U0ALICE'), fromAlice, policy, soon)).toEqual({
      allowed: false,
      reason: 'the requester cannot approve their own request (four eyes)',
    });
    const byKey = requestedBy({ source: 'api', identity: 'ops-bot' });
    expect(
      mayApprove({ source: 'api', keyName: 'ops-bot', role: 'approver' }, byKey, policy, soon),
    ).toMatchObject({ allowed: false });
    expect(mayApprove({ source: 'api', keyName: 'lead', role: 'approver' }, byKey, policy, soon)).toEqual({
      allowed: true,
    });
  });

  it('refuses a Slack user not on the list, and an API key without the approver (or admin) role', () => {
    expect(mayApprove(slack('U0MALLORY'), fromAlice, policy, soon)).toEqual({
      allowed: false,
      reason: 'Slack user U0MALLORY is not in approval.approvers.slackUsers',
    });
    expect(
      mayApprove({ source: 'api', keyName: 'lead', role: 'submitter' }, fromAlice, policy, soon),
    ).toMatchObject({ allowed: false });
    expect(mayApprove({ source: 'api', keyName: 'lead', role: 'admin' }, fromAlice, policy, soon)).toEqual({
      allowed: true,
    });
  });

  it('lets a Jira member of approvers.jiraGroups approve by moving the ticket into approvers.jiraApprovalStatus, and nobody else', () => {
    const jira = (groups: string[], transitionTo: string): ApproverIdentity => ({
      source: 'jira',
      accountId: 'acc-2',
      groups,
      transitionTo,
    });
    expect(mayApprove(jira(['db-owners'], 'Approved'), fromAlice, policy, soon)).toEqual({ allowed: true });
    expect(mayApprove(jira(['others'], 'Approved'), fromAlice, policy, soon)).toEqual({
      allowed: false,
      reason: 'Jira account acc-2 is in none of approval.approvers.jiraGroups (db-owners)',
    });
    expect(mayApprove(jira(['db-owners'], "Won't Do"), fromAlice, policy, soon)).toEqual({
      allowed: false,
      reason: "the ticket moved to Won't Do, not to approval.approvers.jiraApprovalStatus (Approved)",
    });
  });

  it('lets the approving transition alone approve where the policy names no jiraGroups, and any move by a member where it names no status', () => {
    const byStatus = teamPolicy(`approval:
  when: [prepaid]
  approvers: { jiraApprovalStatus: Approved }
`);
    const byGroup = teamPolicy(`approval:
  when: [prepaid]
  approvers: { jiraGroups: [db-owners] }
`);
    expect(
      mayApprove({ source: 'jira', accountId: 'acc-2', transitionTo: 'Approved' }, fromAlice, byStatus, soon),
    ).toEqual({ allowed: true });
    expect(
      mayApprove({ source: 'jira', accountId: 'acc-2', transitionTo: 'Done' }, fromAlice, byStatus, soon),
    ).toMatchObject({ allowed: false });
    expect(
      mayApprove(
        { source: 'jira', accountId: 'acc-2', groups: ['db-owners'], transitionTo: 'Done' },
        fromAlice,
        byGroup,
        soon,
      ),
    ).toEqual({ allowed: true });
    expect(
      mayApprove({ source: 'jira', accountId: 'acc-2', transitionTo: 'Done' }, fromAlice, byGroup, soon),
    ).toMatchObject({ allowed: false });
  });

  it('refuses once the approval window (24 h by default) has passed', () => {
    expect(policy.approval?.expiresAfterSeconds).toBe(86_400);
    const atTheEnd = new Date('2026-12-08T10:00:00.000Z');
    const after = new Date('2026-12-08T10:00:00.001Z');
    expect(mayApprove(slack('U0BOSS'), fromAlice, policy, atTheEnd)).toEqual({ allowed: true });
    expect(mayApprove(slack('U0BOSS'), fromAlice, policy, after)).toEqual({
      allowed: false,
      reason: 'the approval window of 86400 s has passed',
    });
  });

  it("applies the primary's own approvers: a top-level approver may not approve for audit-db", () => {
    const audit = requestedBy({ source: 'slack', identity: 'U0ALICE' }, 'audit-db');
    expect(mayApprove(slack('U0BOSS'), audit, policy, soon)).toMatchObject({ allowed: false });
    expect(mayApprove(slack('U0AUDITOR'), audit, policy, soon)).toEqual({ allowed: true });
  });
});
