import { renderApproval } from '#shared/domain/approval-record.ts';
import { renderBudgetCheck } from '#shared/domain/budget-summary.ts';
import { renderPrice } from '#shared/domain/plan-price.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';

/** What `GET /v1/replica-requests/{id}` and `replica-flow status` show of a request. */
export const requestView = (record: RequestRecord) => ({
  requestId: record.requestId,
  kind: record.kind ?? 'create',
  /** A removal's replica (named, or picked by validate), its group and charge type, and the destroy mode. */
  removal: record.removal && {
    DBInstanceId: record.removal.DBInstanceId,
    target: record.removal.target,
    destroy: record.removal.destroy,
    tencentCalls: record.removal.tencentCalls,
  },
  idempotencyKey: record.idempotencyKey,
  state: record.state,
  requester: record.requester,
  primary: record.plan?.MasterDBInstanceId ?? record.request.MasterDBInstanceId,
  region: record.plan?.Region ?? record.request.Region,
  dryRun: record.request.dryRun ?? false,
  plan: record.plan,
  /** Tencent's quote for the plan, in main units with the exact minor units beside them. */
  price: record.price && renderPrice(record.price),
  /** The budgets the plan touches (ceiling, used, after) and whether approval would be needed. */
  budgets: record.budgetCheck && renderBudgetCheck(record.budgetCheck),
  /** Why it waited for approval, until when, and the decision (who, when, why). */
  approval: record.approval && renderApproval(record.approval),
  /** Placements refused (or passed over) before the one in `plan` (`scaleOut.fallback`), oldest first. */
  fallbackAttempts: record.fallback?.attempts,
  dealNames: record.creation?.dealNames ?? [],
  billId: record.creation?.billId,
  tencentRequestId: record.creation?.tencentRequestId,
  instances: record.instances ?? (record.creation?.instanceIds ?? []).map((instanceId) => ({ instanceId })),
  violations: record.violations,
  failure: record.failure,
  deadline: record.deadline,
  notification: record.notification && {
    type: record.notification.type,
    webhookId: record.notification.webhookId,
    status: record.notification.status,
    deliveredAt: record.notification.deliveredAt,
    deliveredTargets: record.notification.deliveredTargets,
    firstAttemptAt: record.notification.firstAttemptAt,
    redrivenAt: record.notification.redrivenAt,
    attempts: record.notification.attempts,
  },
  /** A message this request waits on is in a dead-letter queue (see `replica-flow dlq list`). */
  stuck: record.stuck,
  history: record.history,
  createdAt: record.createdAt,
  updatedAt: record.updatedAt,
});

export type RequestView = ReturnType<typeof requestView>;
