import { renderApproval } from '#shared/domain/approval-record.ts';
import { renderBudgetCheck } from '#shared/domain/budget-summary.ts';
import { renderPrice } from '#shared/domain/plan-price.ts';
import type { RequestRecord, WebhookType } from '#shared/domain/request-record.ts';

/** The completion webhook body (Standard Webhooks' recommended `{type, timestamp, data}` shape). */
export interface WebhookPayload {
  readonly type: WebhookType;
  readonly timestamp: string;
  readonly data: Record<string, unknown>;
}

const seconds = (from: string | undefined, to: string | undefined): number | undefined =>
  from && to ? Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000)) : undefined;

export const webhookPayload = (
  record: RequestRecord,
  type: WebhookType,
  timestamp: string,
): WebhookPayload => {
  const plan = record.plan;
  const finishedAt = [...record.history].reverse().find((entry) => entry.state === record.state)?.at;
  return {
    type,
    timestamp,
    data: {
      requestId: record.requestId,
      idempotencyKey: record.idempotencyKey,
      state: record.state,
      requester: record.requester,
      primary: plan?.MasterDBInstanceId ?? record.request.MasterDBInstanceId,
      region: plan?.Region ?? record.request.Region,
      zone: plan?.Zone ?? record.request.Zone,
      /** Tencent's quote for the plan; null when validate never got one (e.g. rejected by policy). */
      price: record.price ? renderPrice(record.price) : null,
      dealNames: record.creation?.dealNames ?? [],
      billId: record.creation?.billId ?? null,
      instances:
        record.instances ?? (record.creation?.instanceIds ?? []).map((instanceId) => ({ instanceId })),
      timings: {
        receivedAt: record.createdAt,
        submittedAt: record.creation?.submittedAt ?? null,
        finishedAt: finishedAt ?? null,
        elapsedSeconds: seconds(record.createdAt, finishedAt) ?? null,
      },
      ...(record.failure
        ? {
            error: {
              code: record.failure.code,
              message: record.failure.message,
              tencentRequestId: record.failure.tencentRequestId ?? record.creation?.tencentRequestId ?? null,
            },
          }
        : {}),
      /** Where the create was refused (or passed over) before the placement in `zone` (`scaleOut.fallback`). */
      ...(record.fallback?.attempts.length ? { fallbackAttempts: record.fallback.attempts } : {}),
      ...(record.violations?.length ? { violations: record.violations } : {}),
      ...(record.budgetCheck ? { budgets: renderBudgetCheck(record.budgetCheck) } : {}),
      ...((type === 'replica.dry_run' || type === 'replica.awaiting_approval') && plan
        ? { wouldCreate: plan }
        : {}),
      /** Once the request waited for approval, every later webhook says why, until when, and who decided. */
      ...(record.approval ? { approval: renderApproval(record.approval) } : {}),
      // A removal (`kind: 'removal'`): the replica, its group and charge type, and what became of it.
      ...(record.kind === 'removal'
        ? {
            kind: 'removal',
            removal: {
              DBInstanceId: record.removal?.target?.instanceId ?? record.removal?.DBInstanceId ?? null,
              readOnlyGroupId: record.removal?.target?.readOnlyGroupId || null,
              payType: record.removal?.target?.payType ?? null,
              destroy: record.removal?.destroy ?? null,
            },
            ...(type === 'replica.dry_run' && record.removal?.target
              ? { wouldRemove: record.removal.target.instanceId }
              : {}),
          }
        : {}),
    },
  };
};
