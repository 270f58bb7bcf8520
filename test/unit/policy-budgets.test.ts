import { describe, expect, it } from 'vitest';
import { mainToMinorUnits } from '#shared/domain/policy-budget-schema.ts';
import { parsePolicy } from '#shared/domain/policy-loader.ts';
import { ConfigError } from '#shared/errors.ts';

const policyWith = (extra: string) => `version: 1
regions: [ap-beijing]
specs: [pg.it.small2]
limits: { maxStorage: 500, maxInstanceCount: 2, maxReplicasPerPrimary: 3 }
primaries:
  billing-db: {}
${extra}`;

const problem = (extra: string): string => {
  try {
    parsePolicy(policyWith(extra), 'yaml', 'team.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.replace('Policy file team.yaml is invalid: ', '');
  }
  throw new Error('expected the policy to be refused');
};

describe('the policy budgets and approval sections', () => {
  it('reads ceilings in main units into exact minor units', () => {
    expect(mainToMinorUnits(3000)).toBe(300_000);
    expect(mainToMinorUnits(0.29)).toBe(29); // 0.29 * 100 would be 28.999…
    expect(mainToMinorUnits(1234.5)).toBe(123_450);
    const policy = parsePolicy(
      policyWith('budgets:\n  currency: CNY\n  global: { monthlyCeiling: 0.29 }\n'),
      'yaml',
    );
    expect(policy.budgets?.global?.monthlyCeiling).toBe(29);
  });

  it.each([
    [
      'a third decimal',
      'budgets:\n  currency: CNY\n  global: { monthlyCeiling: 1.005 }\n',
      'budgets.global.monthlyCeiling: must have at most 2 decimals (minor units are whole fen/cents) (got 1.005)',
    ],
    [
      'a negative ceiling',
      'budgets:\n  currency: CNY\n  global: { monthlyCeiling: -1 }\n',
      'budgets.global.monthlyCeiling: must be an amount from 0 to',
    ],
    [
      'a currency that is not ISO 4217',
      'budgets:\n  currency: yuan\n',
      'budgets.currency: must be an ISO 4217 code like CNY',
    ],
    [
      'an unknown onExceeded',
      'budgets:\n  currency: CNY\n  onExceeded: ask\n',
      'budgets.onExceeded: must be one of reject, approval',
    ],
    [
      'a bad Slack channel group',
      'budgets:\n  currency: CNY\n  perRequesterGroup:\n    slackChannels: { general: { monthlyCeiling: 1 } }\n',
      'budgets.perRequesterGroup.slackChannels.general',
    ],
    [
      'an unknown alert source',
      'budgets:\n  currency: CNY\n  perRequesterGroup:\n    alertSources: { nagios: { monthlyCeiling: 1 } }\n',
      'budgets.perRequesterGroup.alertSources.nagios',
    ],
    [
      'an unknown approval condition',
      'approval:\n  when: [sometimes]\n  approvers: { apiKeys: true }\n',
      'approval.when.0: must be one of always, prepaid, overBudget or { aboveMonthlyPrice: <amount> }',
    ],
    [
      'approvers who cannot approve',
      'approval:\n  when: [always]\n  approvers: {}\n',
      'approval.approvers: approvers must name at least one way to approve',
    ],
    [
      'an approvals channel that is a direct message',
      'approval:\n  when: [always]\n  approvers: { slackUsers: [U0BOSS], slackChannel: D0123ABCD }\n',
      'approval.approvers.slackChannel: must be a Slack channel id like C0123ABCD (C… public or G… private) (got "D0123ABCD")',
    ],
    [
      'an approvals channel with no Slack user to click Approve',
      'approval:\n  when: [always]\n  approvers: { apiKeys: true, slackChannel: C0APPROVALS }\n',
      'approval.approvers.slackChannel: needs approvers.slackUsers: only a listed Slack user may click Approve',
    ],
    [
      'an expiry under a minute',
      'approval:\n  when: [always]\n  approvers: { apiKeys: true }\n  expiresAfterSeconds: 5\n',
      'approval.expiresAfterSeconds',
    ],
    [
      'a budget waiting for approval with nobody to approve',
      'budgets:\n  currency: CNY\n  perPrimary:\n    billing-db: { monthlyCeiling: 3000, onExceeded: approval }\n',
      'approval: is required: budgets.perPrimary.billing-db has onExceeded approval, so someone must be able to approve',
    ],
  ])('refuses %s, naming the field and the rule', (_case, extra, expected) => {
    expect(problem(extra)).toContain(expected);
  });

  it("accepts the issue's example: prepaid needs a second person, at most 3,000 CNY a month for billing-db", () => {
    const policy = parsePolicy(
      policyWith(`budgets:
  currency: CNY
  perPrimary:
    billing-db: { monthlyCeiling: 3000 }
approval:
  when: [prepaid]
  approvers: { slackUsers: [U0BOSS] }
`),
      'yaml',
    );
    expect(policy.budgets?.perPrimary?.['billing-db']).toEqual({ monthlyCeiling: 300_000 });
    expect(policy.approval).toEqual({
      when: ['prepaid'],
      approvers: { slackUsers: ['U0BOSS'], apiKeys: false },
      expiresAfterSeconds: 86_400,
    });
  });

  it("refuses a primary's own approvals channel with no Slack user to click Approve", () => {
    const text = policyWith('').replace(
      'billing-db: {}',
      'billing-db:\n    approval:\n      when: [always]\n      approvers: { apiKeys: true, slackChannel: C0APPROVALS }',
    );
    expect(() => parsePolicy(text, 'yaml', 'team.yaml')).toThrow(
      'primaries.billing-db.approval.approvers.slackChannel: needs approvers.slackUsers',
    );
  });

  it('reads an approvals channel for requests not made in Slack, public or private', () => {
    for (const channel of ['C0APPROVALS', 'G0PRIVATE1']) {
      const policy = parsePolicy(
        policyWith(
          `approval:\n  when: [always]\n  approvers: { slackUsers: [U0BOSS], slackChannel: ${channel} }\n`,
        ),
        'yaml',
      );
      expect(policy.approval?.approvers).toEqual({
        slackUsers: ['U0BOSS'],
        slackChannel: channel,
        apiKeys: false,
      });
    }
  });
});
