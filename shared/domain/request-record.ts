import type { ReplicaPlan } from '#shared/domain/replica-plan.ts';
import type { ReplicaRequest, Requester } from '#shared/domain/replica-request.ts';
import type { RequestState } from '#shared/domain/request-state.ts';

/** The exact CreateReadOnlyDBInstance parameters replica-flow will send, after policy defaults (schema in replica-plan.ts). */
export type { ReplicaPlan } from '#shared/domain/replica-plan.ts';

/** One line of a request's history: every state change is appended, never rewritten. */
export interface HistoryEntry {
  readonly state: RequestState;
  /** ISO-8601 time of the change. */
  readonly at: string;
  readonly note?: string;
}

/** A policy rule or pre-check that refused the request. */
export interface RuleViolation {
  /** Stable rule name, e.g. `policy.maxStorage`, `tencent.primaryRunning`, `schema`. */
  readonly rule: string;
  readonly message: string;
  /** The request field concerned, when there is one. */
  readonly field?: string;
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
] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

export interface DeliveryAttempt {
  readonly at: string;
  readonly target: 'webhook' | 'slack' | 'jira';
  readonly ok: boolean;
  readonly status?: number;
  readonly error?: string;
  readonly durationMs: number;
}

/** The outbox entry of a terminal request: what must be told, and what was. */
export interface Notification {
  readonly type: WebhookType;
  /** Standard Webhooks `webhook-id`: stable across retries so receivers can dedupe. */
  readonly webhookId: string;
  /** PENDING until the notify message is on the queue; the poller re-enqueues PENDING ones. */
  readonly status: 'PENDING' | 'ENQUEUED' | 'DELIVERED' | 'UNDELIVERED';
  readonly enqueuedAt?: string;
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
  /** Epoch seconds; DynamoDB TTL removes terminal records after the idempotency window. */
  readonly expiresAt?: number;
}
