import type { ApprovalRecord } from '#shared/domain/approval-record.ts';
import type { BudgetCheck } from '#shared/domain/budget-summary.ts';
import type { FallbackRecord } from '#shared/domain/fallback-attempt.ts';
import type { PlanPrice } from '#shared/domain/plan-price.ts';
import type { RemovalDetails } from '#shared/domain/removal-request.ts';
import type { ReplicaPlan } from '#shared/domain/replica-plan.ts';
import type { ReplicaRequest, Requester } from '#shared/domain/replica-request.ts';
import type { RequestFleet } from '#shared/domain/request-fleet.ts';
import type { RequestKind } from '#shared/domain/request-kind.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import type { RuleViolation } from '#shared/domain/rule-violation.ts';
import type { AnsweringSourceId } from '#shared/ingress/sources.ts';

/** The exact CreateReadOnlyDBInstance parameters replica-flow will send, after policy defaults (schema in replica-plan.ts). */
export type { ReplicaPlan } from '#shared/domain/replica-plan.ts';
export type { RuleViolation };

/** One line of a request's history: every state change is appended, never rewritten. */
export interface HistoryEntry {
  readonly state: RequestState;
  /** ISO-8601 time of the change. */
  readonly at: string;
  readonly note?: string;
}

/** The create call and what Tencent answered. */
export interface CreationAttempt {
  /** 1 for the first call; a re-issue after an empty reconciliation increments it. */
  readonly attempt: number;
  readonly startedAt: string;
  /** Instance name sent to Tencent (derived from the request id, stable across attempts). */
  readonly instanceName: string;
  readonly dealNames: readonly string[];
  readonly billId?: string;
  readonly instanceIds: readonly string[];
  readonly tencentRequestId?: string;
  readonly submittedAt?: string;
  /** How the ids were learned: the create answer, DescribeOrders, or reconciliation by tag and name. */
  readonly source?: 'create-response' | 'reconciliation';
}

export interface ReplicaInstance {
  readonly instanceId: string;
  readonly status: string;
  readonly privateIp?: string;
  readonly port?: number;
}

export interface Failure {
  readonly code: string;
  readonly message: string;
  readonly tencentRequestId?: string;
}

export const WEBHOOK_TYPES = [
  'replica.ready',
  'replica.failed',
  'replica.rejected',
  'replica.timed_out',
  'replica.dry_run',
  'replica.suppressed',
  'replica.removed',
  'replica.removal_failed',
  'replica.removal_suppressed',
  'replica.awaiting_approval',
  'replica.approved',
  'replica.denied',
  'replica.expired',
] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

export interface DeliveryAttempt {
  readonly at: string;
  /** The signed webhook, or the source that answers in place (shared/ingress/sources.ts). */
  readonly target: 'webhook' | AnsweringSourceId;
  readonly ok: boolean;
  readonly status?: number;
  readonly error?: string;
  readonly durationMs: number;
}

/**
 * Where a notification stands:
 * - `PENDING`: written with the terminal state; no retry chain is live yet, and the poller (or the
 *   writer, right after its write) starts one.
 * - `ENQUEUED`: exactly one retry chain is live — `chainId` names it, `nextAttemptAt` says when its
 *   message is due next. Only that chain's message may attempt; a failed attempt keeps it ENQUEUED.
 * - `DELIVERED` / `UNDELIVERED`: done (accepted by every target, or the retry window ended).
 */
export const NOTIFICATION_STATUSES = ['PENDING', 'ENQUEUED', 'DELIVERED', 'UNDELIVERED'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** PENDING and ENQUEUED notifications still have work left: the record stays in the in-flight index. */
export const isOpenNotification = (status: NotificationStatus | null | undefined): boolean =>
  status === 'PENDING' || status === 'ENQUEUED';

/** The outbox entry of a terminal request: what must be told, and what was. */
export interface Notification {
  readonly type: WebhookType;
  /** Standard Webhooks `webhook-id`: stable across retries so receivers can dedupe. */
  readonly webhookId: string;
  readonly status: NotificationStatus;
  /** When the live chain was started (or restarted). */
  readonly enqueuedAt?: string;
  /**
   * The live retry chain: its notify messages carry this id, and a message of any other chain is
   * dropped. Written before the chain's first message is sent. Absent on records from before chains
   * (their messages carry none either, and still match).
   */
  readonly chainId?: string;
  /**
   * When the live chain's message is due next (ISO-8601): the chain's start, then, at each attempt,
   * the attempt's time plus its retry delay. A message arriving before it is a duplicate and is
   * dropped; a chain silent well past it lost its message and the poller restarts it.
   */
  readonly nextAttemptAt?: string;
  /** Attempts made over the notification's life (every chain); `attempts` keeps only the newest. */
  readonly attemptCount?: number;
  readonly deliveredAt?: string;
  /** The first delivery attempt: the retry window is measured from here (the attempts list is trimmed). */
  readonly firstAttemptAt?: string;
  /** Set by a redrive, which clears `firstAttemptAt` so the notification gets a new retry window. */
  readonly redrivenAt?: string;
  /** Targets (webhook, Slack, Jira) that accepted it: a retry posts only to the others. */
  readonly deliveredTargets?: readonly DeliveryAttempt['target'][];
  readonly attempts: readonly DeliveryAttempt[];
}

/**
 * A message of this request's reached its queue's dead-letter queue while the request still waited
 * on it (the poller's dead-letter scan sets it; a redrive clears it). The state machine is unchanged.
 */
export interface StuckMarker {
  readonly queue: 'requests' | 'create' | 'notify';
  readonly reason: string;
  readonly messageId: string;
  /** When the scan found it (ISO-8601). */
  readonly since: string;
}

/** Lease taken by `create` before calling Tencent (DESIGN.md exactly-once step 2). */
export interface Lease {
  readonly owner: string;
  /** ISO-8601; the lease is void after it, and only reconciliation may act then. */
  readonly until: string;
}

/**
 * The request record: one item per request in the one table, keyed by the request id, which is
 * derived from the idempotency key (so the conditional put on it is the idempotency guard).
 */
export interface RequestRecord {
  readonly requestId: string;
  /**
   * `removal` for `POST /v1/replica-removals` records; absent (or `create`) for replica creation.
   * The transition table has no kind column: the use cases dispatch on it, and a removal never
   * reaches a create state (nor a create a removal state).
   */
  readonly kind?: RequestKind;
  /** A removal's own fields (`kind: 'removal'` only). */
  readonly removal?: RemovalDetails;
  readonly idempotencyKey: string;
  /** SHA-256 of the canonical request payload; same key with another hash is a conflict. */
  readonly payloadHash: string;
  readonly state: RequestState;
  /** Incremented by every write; every write is conditional on the version read. */
  readonly version: number;
  readonly request: ReplicaRequest;
  readonly requester: Requester;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly history: readonly HistoryEntry[];
  readonly violations?: readonly RuleViolation[];
  /** What would be created, for dry runs and for the record once validated (policy defaults applied). */
  readonly plan?: ReplicaPlan;
  /**
   * Tencent's quote for the plan (InquiryPriceCreateDBInstances), in integer minor units, asked by
   * validate. Beside the plan, not in it: the plan is exactly the create call's parameters. Absent on
   * records from before prices, and on requests rejected before Tencent was asked.
   */
  readonly price?: PlanPrice;
  /**
   * What validate found about money (`budget-summary.ts`): the budgets the plan touches and whether
   * approval would be needed. Present where the policy has `budgets` or `approval` and Tencent priced the plan.
   */
  readonly budgetCheck?: BudgetCheck;
  /** Present once the request waited for approval (`approval-record.ts`): reasons, window, decision. */
  readonly approval?: ApprovalRecord;
  /** The primary's `scaleOut.fallback` and `readOnlyGroup`, as validation read them (`request-fleet.ts`). */
  readonly fleet?: RequestFleet;
  /** Placements refused or passed over before the one in `plan` (`fallback-attempt.ts`). */
  readonly fallback?: FallbackRecord;
  readonly lease?: Lease;
  readonly creation?: CreationAttempt;
  /** Set when the record entered UNKNOWN; reconciliation waits the visibility grace period from here. */
  readonly unknownSince?: string;
  readonly instances?: readonly ReplicaInstance[];
  readonly failure?: Failure;
  /** Provisioning deadline (ISO-8601); past it the poller ends the request TIMED_OUT. */
  readonly deadline?: string;
  readonly notification?: Notification;
  /** Present while a message the request waits on sits in a dead-letter queue. */
  readonly stuck?: StuckMarker;
  /**
   * Epoch seconds; DynamoDB TTL removes terminal records after the idempotency window — but never a
   * READY one, whose replica runs (the budgets and the fleet view read it).
   */
  readonly expiresAt?: number;
}
