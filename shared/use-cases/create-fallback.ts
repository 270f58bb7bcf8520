import type { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import type { FallbackAttempt, FallbackRecord } from '#shared/domain/fallback-attempt.ts';
import { isFallbackRefusal } from '#shared/domain/fallback-refusal.ts';
import type { ReplicaPlan, RequestRecord } from '#shared/domain/request-record.ts';
import { logger } from '#shared/logger.ts';
import { failCreate, releaseRefusedCreate } from '#shared/transitions/create-transitions.ts';
import type { CreateDependencies } from '#shared/use-cases/create-dependencies.ts';
import { nextPlacement } from '#shared/use-cases/fallback-placement.ts';
import { enqueuePendingNotifications, pendingNotification } from '#shared/use-cases/notification-outbox.ts';
import { writeUnderLease } from '#shared/use-cases/write-under-lease.ts';

/** The record moved on to its next placement (still CREATING, same lease), or the request's outcome. */
export type FallbackStep = { readonly moved: RequestRecord } | { readonly outcome: 'failed' | 'retry' };

/** True when this refusal of the record's create may move it to its primary's next fallback. */
export const mayFallBack = (record: RequestRecord, error: TencentApiError): boolean =>
  error.kind === 'business' &&
  isFallbackRefusal(error.tencentCode) &&
  (record.fleet?.fallback.length ?? 0) > 0;

const where = (attempt: Pick<FallbackAttempt, 'Zone' | 'SpecCode'>): string =>
  `${attempt.Zone}/${attempt.SpecCode}`;

/**
 * After Tencent refused the record's plan for capacity or spec BEFORE accepting it (`mayFallBack`):
 * nothing was created, so under the same lease the plan (and its price) moves to the next
 * `{Zone, SpecCode[, SubnetId]}` of the primary's `scaleOut.fallback` that costs no more than the
 * validated plan, written with every attempt before the next create goes out (so budgets, the
 * reconciliation and the status API see the placement that may be running). When none is left the
 * request ends FAILED with every attempt. A price inquiry that may pass later releases the lease
 * (VALIDATED, retried from the queue), keeping the attempts.
 */
export const fallBack = async (
  current: RequestRecord,
  error: TencentApiError,
  deps: CreateDependencies,
): Promise<FallbackStep> => {
  const plan = current.plan as ReplicaPlan;
  const at = deps.clock.now().toISOString();
  const code = error.tencentCode ?? error.code;
  const previous: FallbackRecord = current.fallback ?? {
    validated: {
      Zone: plan.Zone,
      SpecCode: plan.SpecCode,
      SubnetId: plan.SubnetId,
      ...(current.price ? { price: current.price } : {}),
    },
    attempts: [],
  };
  const refused: FallbackAttempt = {
    Zone: plan.Zone,
    SpecCode: plan.SpecCode,
    SubnetId: plan.SubnetId,
    outcome: 'refused',
    code,
    message: error.message,
    at,
  };
  const base = { requestId: current.requestId, at };
  let next: Awaited<ReturnType<typeof nextPlacement>>;
  try {
    next = await nextPlacement(plan, current.fleet?.fallback ?? [], previous.validated, {
      tencent: deps.tencent,
      at,
    });
  } catch (priceError) {
    logger.warn('create: a fallback could not be priced now; retrying', {
      requestId: current.requestId,
      message: priceError instanceof Error ? priceError.message : String(priceError),
    });
    await writeUnderLease(current, deps, (expectedVersion) =>
      releaseRefusedCreate(deps.store, {
        ...base,
        expectedVersion,
        remove: ['lease'],
        set: { fallback: { ...previous, attempts: [...previous.attempts, refused] } },
        note: `${code} in ${where(refused)}; the next fallback could not be priced now; will retry`,
      }),
    );
    return { outcome: 'retry' };
  }
  const attempts = [...previous.attempts, refused, ...next.skipped];
  const fallback: FallbackRecord = { ...previous, attempts };
  const tried = attempts
    .map((attempt) => `${where(attempt)} ${attempt.outcome} (${attempt.code})`)
    .join('; ');
  if (next.kind === 'exhausted') {
    logger.warn('create: every fallback refused or passed over', { requestId: current.requestId, tried });
    const failed = await writeUnderLease(current, deps, (expectedVersion) =>
      failCreate(deps.store, {
        ...base,
        expectedVersion,
        remove: ['lease'],
        set: {
          fallback,
          failure: {
            code,
            message: `No placement left: ${tried}`,
            ...(error.tencentRequestId ? { tencentRequestId: error.tencentRequestId } : {}),
          },
          notification: pendingNotification('replica.failed'),
        },
        note: `${code}; no fallback left (${tried})`,
      }),
    );
    await enqueuePendingNotifications([failed], deps, at);
    return { outcome: 'failed' };
  }
  logger.info('create: falling back', {
    requestId: current.requestId,
    refused: where(refused),
    code,
    next: where(next.plan),
    passedOver: next.skipped.map((skipped) => `${where(skipped)}: ${skipped.code}`),
  });
  // The state stays CREATING (the table has no CREATING → CREATING row: only a lease enters it), so
  // this is a conditional update at the leased state and version; the attempts carry their times.
  const moved = await writeUnderLease(current, deps, (expectedVersion) =>
    deps.store.update({
      requestId: current.requestId,
      expectedVersion,
      state: 'CREATING',
      set: { plan: next.plan, price: next.price, fallback },
      at,
    }),
  );
  return { moved };
};

/** The fallback, in a history note: `after ap-beijing-4/pg.it.small2 refused (ResourceInsufficient.ResourceNotEnough)`. */
export const fallbackNote = (record: RequestRecord): string =>
  record.fallback?.attempts.length
    ? ` in ${record.plan ? where(record.plan) : 'the fallback'} after ${record.fallback.attempts
        .map((attempt) => `${where(attempt)} ${attempt.outcome} (${attempt.code})`)
        .join('; ')}`
    : '';
