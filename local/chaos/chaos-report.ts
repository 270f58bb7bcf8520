import type { EmulatorInstance } from '@replica-flow/tencent-emulator/emulator.ts';
import type { FleetSafetyCounters } from '#local/chaos/fleet-safety.ts';
import { type RemovalOutcomes, type RemovalRun, removalOutcomes } from '#local/chaos/removal-outcomes.ts';
import { type ScaleInOutcomes, type ScaleInRun, scaleInOutcomes } from '#local/chaos/scale-in-outcomes.ts';
import type { WebhookAttemptStats } from '#local/chaos/webhook-attempts.ts';
import type { Submission } from '#local/chaos/workload.ts';
import type { ReceivedWebhook } from '#local/stack/webhook-receiver.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { isTerminal } from '#shared/domain/request-state.ts';

/** The one JSON line a chaos run ends with. */
export interface ChaosReport extends FleetSafetyCounters {
  readonly ok: boolean;
  readonly seed: number;
  readonly requests: number;
  readonly distinctKeys: number;
  readonly replicasCreated: number;
  /** Replicas beyond what each request asked for (InstanceCount), plus replicas of no request of the run. */
  readonly duplicates: number;
  /** Keys with no record, or whose record is not terminal at the end. */
  readonly lost: number;
  readonly terminal: number;
  readonly webhooksDelivered: number;
  /** Terminal requests whose webhook (with the record's webhook-id) never reached the receiver. */
  readonly webhooksMissing: number;
  /** Records that disagree with Tencent: READY without its replica, refused with one, ids that differ. */
  readonly inconsistent: number;
  /** Approval announcements delivered (`replica.awaiting_approval`, `replica.approved`): webhooks before the end. */
  readonly approvalWebhooks: number;
  /** Requests that needed approval and made a replica (or a create) without an approve decision in their history. */
  readonly createdWithoutApproval: number;
  /**
   * Requests that waited in AWAITING_APPROVAL: each may announce twice (`replica.awaiting_approval`,
   * `replica.approved`), and an announcement still undelivered when the next state writes its own
   * notification is superseded (its webhook-id tried, never delivered; README "Approval").
   */
  readonly waitedForApproval: number;
  /** Webhook attempts per notification (max, p99) and the backoff schedule's bound on them. */
  readonly webhookAttempts: WebhookAttemptStats;
  /** The removal requests: ended, told, and refused where they had to be. */
  readonly removals: RemovalOutcomes;
  /** Alert-driven scale-in: the alerts sent, the poller's steps, how they ended and were told. */
  readonly scaleIns: ScaleInOutcomes;
  /**
   * The poller's scale-outs for a primary's `minReplicas` that made a replica, and how many of them
   * were in flight at once for one primary beyond the first (must be 0: one request per shortfall).
   */
  readonly minimumRestores: { readonly requests: number; readonly overlapping: number };
  readonly states: Readonly<Record<string, number>>;
  readonly faults: Readonly<Record<string, number>>;
  readonly durationMs: number;
  /** A few request ids per problem, to start the investigation from. */
  readonly examples?: Readonly<Record<string, readonly string[]>>;
}

export interface ChaosOutcome {
  readonly seed: number;
  readonly submissions: readonly Submission[];
  /** The request id the API answered for each idempotency key. */
  readonly requestIds: ReadonlyMap<string, string>;
  readonly records: ReadonlyMap<string, RequestRecord | undefined>;
  readonly instances: readonly EmulatorInstance[];
  readonly webhooks: readonly ReceivedWebhook[];
  readonly webhookAttempts: WebhookAttemptStats;
  readonly faults: Readonly<Record<string, number>>;
  readonly durationMs: number;
  readonly removals: RemovalRun;
  /** The alerts sent for scale-in and the steps the poller took (their records are in `records`). */
  readonly scaleIns: ScaleInRun;
  /** Replicas the run made behind replica-flow's back (not duplicates: nobody asked replica-flow for them). */
  readonly foreignIds: ReadonlySet<string>;
  /** Counted from the emulator's mutation journal (fleet-safety.ts). */
  readonly fleet: FleetSafetyCounters;
  /** The poller's own scale-outs for `minReplicas` (requester `replica-flow:poller`), by request id. */
  readonly minimumRequests: ReadonlyMap<string, RequestRecord>;
}

const tagOf = (instance: EmulatorInstance): string | undefined =>
  instance.tags.find((tag) => tag.TagKey === REQUEST_TAG_KEY)?.TagValue;

const sameIds = (left: readonly string[], right: readonly string[]): boolean =>
  left.length === right.length && [...left].sort().every((id, index) => id === [...right].sort()[index]);

const ANNOUNCEMENTS: ReadonlySet<string> = new Set(['replica.awaiting_approval', 'replica.approved']);

/**
 * A request that needed approval (validate said so, or it waited) and was created — a create call
 * made, or a replica tagged for it — without an approve decision in its history.
 */
const createdUnapproved = (record: RequestRecord, replicas: readonly EmulatorInstance[]): boolean => {
  const needed = record.budgetCheck?.approval.needed === true || record.approval !== undefined;
  const created = record.creation !== undefined || replicas.length > 0;
  const approved =
    record.approval?.decision?.decision === 'approve' &&
    record.history.some((entry) => entry.state === 'VALIDATED' && entry.note?.startsWith('approved by '));
  return needed && created && !approved;
};

const endOf = (record: RequestRecord): number =>
  isTerminal(record.state) ? Date.parse(record.updatedAt) : Number.POSITIVE_INFINITY;

/** The poller's minimum requests, and those that overlapped another of the same primary. */
const minimumRestores = (requests: ReadonlyMap<string, RequestRecord>) => {
  const all = [...requests.values()];
  const overlapping = all.filter((record) =>
    all.some(
      (other) =>
        other.requestId < record.requestId &&
        other.request.MasterDBInstanceId === record.request.MasterDBInstanceId &&
        Date.parse(other.createdAt) < endOf(record) &&
        Date.parse(record.createdAt) < endOf(other),
    ),
  ).length;
  return { requests: all.length, overlapping };
};

/** Counts what the run did and what went wrong, from Tencent's side (the emulator) and the records. */
export const chaosReport = (outcome: ChaosOutcome): ChaosReport => {
  const requestIds = new Set(outcome.requestIds.values());
  const byRequest = new Map<string, EmulatorInstance[]>();
  let strays = 0;
  for (const instance of outcome.instances) {
    if (outcome.foreignIds.has(instance.id)) continue;
    const requestId = tagOf(instance);
    if (!requestId || !(requestIds.has(requestId) || outcome.minimumRequests.has(requestId))) {
      strays += 1;
      continue;
    }
    byRequest.set(requestId, [...(byRequest.get(requestId) ?? []), instance]);
  }
  const examples: Record<string, string[]> = {};
  const note = (problem: string, requestId: string) => {
    examples[problem] = [...(examples[problem] ?? []), requestId].slice(0, 5);
  };
  let duplicates = strays;
  for (const [requestId, instances] of byRequest) {
    const record = outcome.records.get(requestId) ?? outcome.minimumRequests.get(requestId);
    const asked = record?.plan?.InstanceCount ?? 1;
    if (instances.length > asked) {
      duplicates += instances.length - asked;
      note('duplicates', requestId);
    }
  }
  const delivered = new Map<string, Set<string>>();
  const announcements = new Set<string>();
  for (const webhook of outcome.webhooks) {
    // A request that waited for approval is announced before it ends: one more webhook-id each.
    if (ANNOUNCEMENTS.has(webhook.payload.type)) {
      announcements.add(webhook.id);
      continue;
    }
    const requestId = String(webhook.payload.data.requestId);
    delivered.set(requestId, (delivered.get(requestId) ?? new Set()).add(webhook.id));
  }
  const distinctKeys = new Set(outcome.submissions.map((submission) => submission.idempotencyKey));
  const states: Record<string, number> = {};
  let lost = 0;
  let terminal = 0;
  let webhooksDelivered = 0;
  let webhooksMissing = 0;
  let inconsistent = 0;
  let createdWithoutApproval = 0;
  let waitedForApproval = 0;
  for (const key of distinctKeys) {
    const requestId = outcome.requestIds.get(key);
    const record = requestId ? outcome.records.get(requestId) : undefined;
    if (!requestId || !record) {
      lost += 1;
      note('lost', requestId ?? key);
      continue;
    }
    states[record.state] = (states[record.state] ?? 0) + 1;
    if (record.history.some((entry) => entry.state === 'AWAITING_APPROVAL')) waitedForApproval += 1;
    if (createdUnapproved(record, byRequest.get(requestId) ?? [])) {
      createdWithoutApproval += 1;
      note('createdWithoutApproval', requestId);
    }
    if (!isTerminal(record.state)) {
      lost += 1;
      note('lost', requestId);
      continue;
    }
    terminal += 1;
    const webhookId = record.notification?.webhookId;
    if (webhookId && delivered.get(requestId)?.has(webhookId)) webhooksDelivered += 1;
    else {
      webhooksMissing += 1;
      note('webhooksMissing', requestId);
    }
    if ((delivered.get(requestId)?.size ?? 0) > 1) {
      inconsistent += 1;
      note('severalWebhookIds', requestId);
    }
    const replicas = (byRequest.get(requestId) ?? []).map((instance) => instance.id);
    const recorded = record.creation?.instanceIds ?? [];
    const disagrees =
      (record.state === 'READY' && (replicas.length === 0 || !sameIds(replicas, recorded))) ||
      ((record.state === 'REJECTED' || record.state === 'DRY_RUN' || record.state === 'EXPIRED') &&
        replicas.length > 0);
    if (disagrees) {
      inconsistent += 1;
      note('inconsistent', requestId);
    }
  }
  const removals = removalOutcomes(outcome.removals, outcome.records, outcome.webhooks, note);
  const scaleIns = scaleInOutcomes(outcome.scaleIns, outcome.records, outcome.webhooks, note);
  const report = {
    requests: outcome.submissions.length,
    distinctKeys: distinctKeys.size,
    replicasCreated: outcome.instances.length - outcome.foreignIds.size,
    duplicates,
    lost,
    terminal,
    webhooksDelivered,
    webhooksMissing,
    inconsistent,
    approvalWebhooks: announcements.size,
    createdWithoutApproval,
    waitedForApproval,
  };
  return {
    ok:
      report.duplicates === 0 &&
      report.lost === 0 &&
      report.terminal === report.distinctKeys &&
      report.webhooksMissing === 0 &&
      report.inconsistent === 0 &&
      report.createdWithoutApproval === 0 &&
      outcome.webhookAttempts.held &&
      Object.values(outcome.fleet).every((count) => count === 0) &&
      removals.lost === 0 &&
      removals.webhooksMissing === 0 &&
      removals.refusalsMissed === 0 &&
      scaleIns.lost === 0 &&
      scaleIns.webhooksMissing === 0 &&
      scaleIns.alertsRefused === 0 &&
      scaleIns.stepsOfCancelled === 0 &&
      minimumRestores(outcome.minimumRequests).overlapping === 0,
    seed: outcome.seed,
    ...report,
    ...outcome.fleet,
    removals,
    scaleIns,
    minimumRestores: minimumRestores(outcome.minimumRequests),
    webhookAttempts: outcome.webhookAttempts,
    states,
    faults: outcome.faults,
    durationMs: outcome.durationMs,
    ...(Object.keys(examples).length > 0 ? { examples } : {}),
  };
};
