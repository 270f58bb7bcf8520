import { primaryPatternSchema } from '#shared/domain/policy-patterns.ts';
import { describeValue, refuseForbiddenKeys } from '#shared/domain/replica-request-issues.ts';
import * as z from '#shared/util/zod-mini.ts';
import { preprocess } from '#shared/util/zod-preprocess.ts';

/**
 * The policy's `budgets` and `approval` sections (documented in policy/example.yaml; the arithmetic
 * is `budget.ts`, the approval rules `approval-rules.ts`). Amounts are written in main units of the
 * budget currency (`3000`, `1234.5`) and parsed to integer minor units (fen), never kept as floats.
 */

const got = (issue: { readonly input?: unknown }): string => `(got ${describeValue(issue.input)})`;

/** Minor units per main unit: the same 1/100 Tencent prices in (`plan-price.ts`). */
const MINOR_PER_MAIN = 100;
/** Largest amount accepted: its minor units are still an exact integer. */
export const MAX_MAIN_AMOUNT = Math.floor(Number.MAX_SAFE_INTEGER / MINOR_PER_MAIN);

/**
 * `3000` → `300000`, `12.34` → `1234`: from the number's shortest decimal text, so `0.29` gives 29,
 * not `0.29 * 100 = 28.999…`. More than two decimals is refused, never rounded.
 */
export const mainToMinorUnits = (amount: number): number => {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(amount));
  if (!match) throw new RangeError(`not an amount with at most 2 decimals: ${amount}`);
  return Number(match[1]) * MINOR_PER_MAIN + Number((match[2] ?? '').padEnd(2, '0'));
};

/** A non-negative amount of money in main units with at most 2 decimals, parsed to integer minor units. */
export const moneySchema = z.pipe(
  z.number().check(
    z.refine((amount) => Number.isFinite(amount) && amount >= 0 && amount <= MAX_MAIN_AMOUNT, {
      error: (issue) => `must be an amount from 0 to ${MAX_MAIN_AMOUNT} ${got(issue)}`,
    }),
    z.refine((amount) => /^\d+(?:\.\d{1,2})?$/.test(String(amount)), {
      error: (issue) => `must have at most 2 decimals (minor units are whole fen/cents) ${got(issue)}`,
      abort: true,
    }),
  ),
  z.transform(mainToMinorUnits),
);

export const ON_EXCEEDED = ['reject', 'approval'] as const;
export type OnExceeded = (typeof ON_EXCEEDED)[number];

const onExceededSchema = z.enum(ON_EXCEEDED, { error: `must be one of ${ON_EXCEEDED.join(', ')}` });

/** One monthly ceiling. */
export const budgetSchema = z.strictObject({
  /** Most replica-flow's running replicas (plus the new plan) may cost a month, in main units. */
  monthlyCeiling: moneySchema,
  /** What a plan that would pass the ceiling gets; the `budgets.onExceeded` default when absent. */
  onExceeded: z.optional(onExceededSchema),
});
export type Budget = z.infer<typeof budgetSchema>;

/** Keyed budgets; partial, so an enum key (alert sources) need not list every member. */
const budgetMap = <K extends z.core.$ZodRecordKey>(key: K) =>
  z.optional(preprocess(refuseForbiddenKeys, z.partialRecord(key, budgetSchema)));

const slackChannelSchema = z.string().check(
  z.regex(/^[CGD][A-Z0-9]+$/, {
    error: (issue) => `must be a Slack channel id like C0123ABCD ${got(issue)}`,
  }),
);
const apiKeyNameSchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(128),
    z.regex(/^[A-Za-z0-9._@/+-]+$/, { error: 'may contain only letters, digits and . _ @ / + -' }),
  );
const alertSourceSchema = z.enum(['alertmanager', 'tencent-monitor', 'cloudwatch', 'grafana'], {
  error: 'must be one of alertmanager, tencent-monitor, cloudwatch, grafana',
});

export const budgetsSchema = z.strictObject({
  /** ISO 4217 code every ceiling is in: the Tencent account's currency (a plan priced otherwise is refused). */
  currency: z.string().check(z.regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code like CNY' })),
  /**
   * Default for every budget without its own `onExceeded`. When absent too: `approval` for primaries
   * whose `approval.when` lists `overBudget`, else `reject`.
   */
  onExceeded: z.optional(onExceededSchema),
  /** Everything replica-flow runs, together. */
  global: z.optional(budgetSchema),
  /**
   * Per primary, keyed by exact id or glob (exact wins, then the first glob in file order). A glob's
   * ceiling applies to each matching primary on its own, not to all of them together.
   */
  perPrimary: budgetMap(primaryPatternSchema),
  /** Per group of requesters: what the requests of one Slack channel, API key or alert source run. */
  perRequesterGroup: z.optional(
    z.strictObject({
      slackChannels: budgetMap(slackChannelSchema),
      apiKeys: budgetMap(apiKeyNameSchema),
      alertSources: budgetMap(alertSourceSchema),
    }),
  ),
});
export type Budgets = z.infer<typeof budgetsSchema>;

export const APPROVAL_WHEN = ['always', 'prepaid', 'overBudget'] as const;

/** A condition that makes a request wait for approval. */
export const approvalConditionSchema = z.union(
  [
    z.enum(APPROVAL_WHEN),
    z.strictObject({
      /** The plan's monthly cost (`budget.ts`) is above this amount, in the budgets' currency. */
      aboveMonthlyPrice: moneySchema,
    }),
  ],
  { error: `must be one of ${APPROVAL_WHEN.join(', ')} or { aboveMonthlyPrice: <amount> }` },
);
export type ApprovalCondition = z.infer<typeof approvalConditionSchema>;

export const DEFAULT_APPROVAL_EXPIRY_SECONDS = 24 * 3600;

/** A Slack channel approvers read: public (`C…`) or private (`G…`), never a direct message. */
const approvalsChannelSchema = z.string().check(
  z.regex(/^[CG][A-Z0-9]+$/, {
    error: (issue) => `must be a Slack channel id like C0123ABCD (C… public or G… private) ${got(issue)}`,
  }),
);

export const approversSchema = z.strictObject({
  slackUsers: z.optional(
    z.array(
      z.string().check(
        z.regex(/^[UW][A-Z0-9]+$/, {
          error: (issue) => `must be a Slack user id like U0123ABCD ${got(issue)}`,
        }),
      ),
    ),
  ),
  /**
   * Where requests not made in Slack (API, alerts, Jira) that wait for approval are announced, with
   * the Approve / Deny buttons for `slackUsers`. A Slack request is announced in its own channel.
   */
  slackChannel: z.optional(approvalsChannelSchema),
  /** Jira groups whose members may approve on the ticket. */
  jiraGroups: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(255)))),
  /** The Jira status whose transition counts as the approval (e.g. `Approved`). */
  jiraApprovalStatus: z.optional(z.string().check(z.minLength(1), z.maxLength(255))),
  /** Whether API keys with the `approver` role may approve (their own requests excepted). */
  apiKeys: z._default(z.boolean(), false),
});
export type Approvers = z.infer<typeof approversSchema>;

export const approvalSchema = z
  .strictObject({
    /** Any one condition that holds makes the request wait. */
    when: z.array(approvalConditionSchema).check(z.minLength(1)),
    approvers: approversSchema,
    /** How long a request may wait for its approval before it ends. */
    expiresAfterSeconds: z._default(
      z.int().check(z.gte(60), z.lte(30 * 24 * 3600)),
      DEFAULT_APPROVAL_EXPIRY_SECONDS,
    ),
  })
  .check(
    z.refine(
      ({ approvers }) =>
        (approvers.slackUsers?.length ?? 0) > 0 ||
        (approvers.jiraGroups?.length ?? 0) > 0 ||
        approvers.jiraApprovalStatus !== undefined ||
        approvers.apiKeys,
      {
        error:
          'approvers must name at least one way to approve (slackUsers, jiraGroups, jiraApprovalStatus or apiKeys: true)',
        path: ['approvers'],
      },
    ),
    z.refine(({ approvers }) => !approvers.slackChannel || (approvers.slackUsers?.length ?? 0) > 0, {
      error:
        'needs approvers.slackUsers: only a listed Slack user may click Approve in the approvals channel',
      path: ['approvers', 'slackChannel'],
    }),
  );
export type Approval = z.infer<typeof approvalSchema>;

/** The names (`budgets.perPrimary.billing-db`) of the budgets whose excess waits for approval. */
export const budgetsWaitingForApproval = (budgets: Budgets | undefined): string[] => {
  if (!budgets) return [];
  const names: string[] = [];
  const visit = (name: string, budget: Budget | undefined) => {
    if (budget && (budget.onExceeded ?? budgets.onExceeded) === 'approval') names.push(name);
  };
  visit('budgets.global', budgets.global);
  for (const [key, budget] of Object.entries(budgets.perPrimary ?? {}))
    visit(`budgets.perPrimary.${key}`, budget);
  for (const [group, map] of Object.entries(budgets.perRequesterGroup ?? {})) {
    for (const [key, budget] of Object.entries(map ?? {}))
      visit(`budgets.perRequesterGroup.${group}.${key}`, budget);
  }
  return names;
};
