import { randomUUID } from 'node:crypto';
import { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import { DEFAULT_DEPLOYMENT } from '#shared/domain/deployment-identity.ts';
import { instanceNameFor } from '#shared/domain/idempotency.ts';
import type { CreationAttempt, ReplicaPlan, RequestRecord } from '#shared/domain/request-record.ts';
import { ConcurrentUpdateError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import {
  adoptLateAnswer,
  failCreate,
  markCreateUnknown,
  releaseRefusedCreate,
  storeAccepted,
  takeCreateLease,
} from '#shared/transitions/create-transitions.ts';
import type { CreateDependencies, CreateOutcome } from '#shared/use-cases/create-dependencies.ts';
import { fallBack, fallbackNote, mayFallBack } from '#shared/use-cases/create-fallback.ts';
import { createRequestParams } from '#shared/use-cases/create-request-params.ts';
import { enqueuePendingNotifications, pendingNotification } from '#shared/use-cases/notification-outbox.ts';
import { joinReadOnlyGroup } from '#shared/use-cases/read-only-group-join.ts';
import { removeReplica } from '#shared/use-cases/remove-replica.ts';
import { LEASE_TRIES, writeUnderLease } from '#shared/use-cases/write-under-lease.ts';

export type { CreateDependencies, CreateOutcome } from '#shared/use-cases/create-dependencies.ts';

/**
 * DESIGN.md exactly-once steps 1, 2 and 4: only the delivery that moves the record from VALIDATED
 * to CREATING (a conditional write) calls Tencent, once; every later write is conditional on the
 * version that delivery wrote. A crash after the call leaves CREATING with a lease that expires;
 * the poller then reconciles by tag and name — nothing here ever re-issues a call it cannot prove
 * was refused.
 */
export const createReplica = async (requestId: string, deps: CreateDependencies): Promise<CreateOutcome> => {
  let leased: RequestRecord | undefined;
  let plan: ReplicaPlan | undefined;
  // A lost lease race is read again: another delivery that took the lease leaves it CREATING (skip);
  // a write that kept it VALIDATED (its notification's delivery, e.g. `replica.approved`) is no
  // reason to drop the create, so the lease is tried again on what is there now.
  for (let tries = 0; tries < LEASE_TRIES && !leased; tries += 1) {
    const record = await deps.store.get(requestId);
    // A removal's steps run from this queue too: remove-replica.ts; it never reaches CREATING.
    if (record?.kind === 'removal') return removeReplica(record, deps);
    if (record?.state !== 'VALIDATED' || !record.plan) {
      logger.info('create: nothing to do', { requestId, state: record?.state });
      return 'skipped';
    }
    plan = record.plan;
    leased = await takeLease(record, deps);
  }
  if (!leased || !plan) return 'skipped';
  // The read-only group the replica joins (policy `readOnlyGroup`), found or made before the call.
  const group = await joinReadOnlyGroup(leased, deps);
  if ('failed' in group) return settleFailure(leased, group.failed, deps);
  if ('retry' in group) return releaseLease(leased, `read-only group not ready (${group.retry})`, deps);
  const joined =
    group.groupId && group.groupId !== plan.ReadOnlyGroupId
      ? { ...leased, plan: { ...plan, ReadOnlyGroupId: group.groupId } }
      : leased;
  return callUnderLease(joined, deps);
};

/** CREATING → VALIDATED before any create call: the message comes back later (backoff through the queue). */
const releaseLease = async (leased: RequestRecord, why: string, deps: CreateDependencies) => {
  await writeUnderLease(leased, deps, (expectedVersion) =>
    releaseRefusedCreate(deps.store, {
      requestId: leased.requestId,
      expectedVersion,
      remove: ['lease'],
      note: `${why}; will retry`,
      at: deps.clock.now().toISOString(),
    }),
  );
  return 'retry' as const;
};

/**
 * The create call under the lease. A refusal for capacity or spec before acceptance moves the plan
 * to the primary's next fallback (create-fallback.ts) and calls again, under the same lease; every
 * other answer settles the request as before.
 */
const callUnderLease = async (leased: RequestRecord, deps: CreateDependencies): Promise<CreateOutcome> => {
  let current = leased;
  for (;;) {
    const plan = current.plan as ReplicaPlan;
    const creation = current.creation as CreationAttempt;
    const requestId = current.requestId;
    let answer: Awaited<ReturnType<TencentPostgres['createReadOnlyDBInstance']>>;
    try {
      answer = await deps.tencent.createReadOnlyDBInstance(
        plan.Region,
        createRequestParams(plan, requestId, creation.instanceName, deps.deployment ?? DEFAULT_DEPLOYMENT),
      );
    } catch (error) {
      if (error instanceof TencentApiError && mayFallBack(current, error)) {
        const step = await fallBack(current, error, deps);
        if ('outcome' in step) return step.outcome;
        current = step.moved;
        continue;
      }
      return settleFailure(current, error, deps);
    }
    await deps.afterCall?.(requestId);
    const submitted: CreationAttempt = {
      ...creation,
      dealNames: answer.DealNames ?? [],
      ...(answer.BillId ? { billId: answer.BillId } : {}),
      instanceIds: answer.DBInstanceIdSet ?? [],
      ...(answer.RequestId ? { tencentRequestId: answer.RequestId } : {}),
      submittedAt: deps.clock.now().toISOString(),
      source: 'create-response',
    };
    await storeSubmitted(current, submitted, deps);
    logger.info('create: submitted', {
      requestId,
      dealNames: submitted.dealNames,
      tencentRequestId: answer.RequestId,
    });
    return 'submitted';
  }
};

const takeLease = async (
  record: RequestRecord,
  deps: CreateDependencies,
): Promise<RequestRecord | undefined> => {
  const now = deps.clock.now();
  const attempt = (record.creation?.attempt ?? 0) + 1;
  try {
    return await takeCreateLease(deps.store, {
      requestId: record.requestId,
      expectedVersion: record.version,
      set: {
        lease: {
          owner: deps.owner ?? randomUUID(),
          until: new Date(now.getTime() + deps.leaseMs).toISOString(),
        },
        creation: {
          attempt,
          startedAt: now.toISOString(),
          // The caller's Name if given; reconciliation matches on the request-id tag either way.
          instanceName: record.plan?.Name ?? instanceNameFor(record.requestId),
          dealNames: [],
          instanceIds: [],
        },
      },
      note: `create attempt ${attempt}`,
      at: now.toISOString(),
    });
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) return undefined;
    throw error;
  }
};

/** CREATING → SUBMITTED; if the lease expired and the poller moved the record to UNKNOWN, adopt from there. */
const storeSubmitted = async (leased: RequestRecord, creation: CreationAttempt, deps: CreateDependencies) => {
  const at = deps.clock.now().toISOString();
  try {
    await writeUnderLease(leased, deps, (expectedVersion) =>
      storeAccepted(deps.store, {
        requestId: leased.requestId,
        expectedVersion,
        // The plan as sent: the fallback's placement, and the read-only group it joined.
        set: { creation, ...(leased.plan ? { plan: leased.plan } : {}) },
        remove: ['lease'],
        note: `DealNames ${creation.dealNames.join(', ')}${fallbackNote(leased)}`,
        at,
      }),
    );
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError)) throw error;
    const current = await deps.store.get(leased.requestId);
    if (current?.state !== 'UNKNOWN') throw error;
    await adoptLateAnswer(deps.store, {
      requestId: leased.requestId,
      expectedVersion: current.version,
      set: { creation },
      remove: ['lease', 'unknownSince'],
      note: 'late answer adopted',
      at,
    });
  }
};

const settleFailure = async (
  leased: RequestRecord,
  error: unknown,
  deps: CreateDependencies,
): Promise<CreateOutcome> => {
  const at = deps.clock.now().toISOString();
  const base = { requestId: leased.requestId, at };
  const tencentError = error instanceof TencentApiError ? error : undefined;
  const kind = tencentError?.kind ?? 'ambiguous';
  logger.warn('create: Tencent call failed', {
    requestId: leased.requestId,
    kind,
    code: tencentError?.tencentCode,
    tencentRequestId: tencentError?.tencentRequestId,
    message: error instanceof Error ? error.message : String(error),
  });
  if (kind === 'throttled' || kind === 'retryable') {
    await writeUnderLease(leased, deps, (expectedVersion) =>
      releaseRefusedCreate(deps.store, {
        ...base,
        expectedVersion,
        remove: ['lease'],
        note: `refused before acceptance (${tencentError?.tencentCode ?? kind}); will retry`,
      }),
    );
    return 'retry';
  }
  if (kind === 'business' && tencentError) {
    const failed = await writeUnderLease(leased, deps, (expectedVersion) =>
      failCreate(deps.store, {
        ...base,
        expectedVersion,
        remove: ['lease'],
        set: {
          failure: {
            code: tencentError.tencentCode ?? tencentError.code,
            message: tencentError.message,
            ...(tencentError.tencentRequestId ? { tencentRequestId: tencentError.tencentRequestId } : {}),
          },
          notification: pendingNotification('replica.failed'),
        },
        note: `${tencentError.tencentCode ?? tencentError.code}${fallbackNote(leased)}`,
      }),
    );
    await enqueuePendingNotifications([failed], deps, at);
    return 'failed';
  }
  await writeUnderLease(leased, deps, (expectedVersion) =>
    markCreateUnknown(deps.store, {
      ...base,
      expectedVersion,
      remove: ['lease'],
      set: { unknownSince: at },
      note: `outcome unknown (${tencentError?.tencentCode ?? tencentError?.httpStatus ?? (error instanceof Error ? error.message : 'error')})${fallbackNote(leased)}; reconciling`,
    }),
  );
  return 'unknown';
};
