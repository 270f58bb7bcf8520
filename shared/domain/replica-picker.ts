import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import {
  decideRemovalStep,
  type RemovalRefusalReason,
  type RemovalTrigger,
} from '#shared/domain/removal-safety.ts';

/** What a removal knows of the replica-flow requests that made replicas (its records). */
export interface ReplicaRecord {
  readonly requestId: string;
  readonly instanceIds: readonly string[];
}

export interface PickInput {
  readonly primaryId: string;
  /** Tencent's instance list, described now (e.g. `DescribeDBInstances` of the primary's region). */
  readonly instances: readonly DBInstance[];
  readonly records: readonly ReplicaRecord[];
  readonly deployment: string;
  readonly trigger: RemovalTrigger;
  /** The primary's `scaleOut.minReplicas` (0 when the policy sets none). */
  readonly minReplicas: number;
  /** Replicas another removal is already working on: never two removals of one replica. */
  readonly removing?: ReadonlySet<string>;
}

export type PickResult =
  | {
      readonly picked: true;
      readonly instance: DBInstance;
      /** The request that made it, from a record, else from its request-id tag. */
      readonly requestId: string | undefined;
      /** Serving read-only replicas of the primary now, this one included. */
      readonly currentReplicas: number;
    }
  | {
      readonly picked: false;
      readonly reason: RemovalRefusalReason | 'no-candidate' | 'already-removing';
      readonly message: string;
    };

/** The primary's read-only replicas that serve reads now, whoever made them (the minimum counts them all). */
export const servingReplicasOf = (instances: readonly DBInstance[], primaryId: string): number =>
  instances.filter(
    (instance) =>
      instance.DBInstanceType === 'readonly' &&
      instance.MasterDBInstanceId === primaryId &&
      instance.DBInstanceStatus === 'running',
  ).length;

const requestIdOf = (instance: DBInstance, records: readonly ReplicaRecord[]): string | undefined =>
  records.find((record) => record.instanceIds.includes(instance.DBInstanceId ?? ''))?.requestId ??
  instance.TagList?.find((tag) => tag.TagKey === REQUEST_TAG_KEY)?.TagValue;

const createdAt = (instance: DBInstance): number => {
  // Tencent writes `YYYY-MM-DD hh:mm:ss` (Beijing time for every instance alike: the order is what matters).
  const at = Date.parse((instance.CreateTime ?? '').replace(' ', 'T'));
  return Number.isNaN(at) ? Number.NEGATIVE_INFINITY : at;
};

/** Postpaid first (isolating it stops its bill; a prepaid one is a refunded return), then newest, then id (deterministic). */
const removalOrder = (a: DBInstance, b: DBInstance): number =>
  Number(b.PayType === 'postpaid') - Number(a.PayType === 'postpaid') ||
  createdAt(b) - createdAt(a) ||
  (b.DBInstanceId ?? '').localeCompare(a.DBInstanceId ?? '');

/**
 * Pure: the replica a removal of `primaryId` takes — the newest replica-flow replica of that primary,
 * postpaid first — among those `removal-safety.ts` allows the removal's first steps on. None when
 * every candidate is refused (the reason of the best-placed one is given) or there is none.
 */
export const pickReplicaToRemove = (input: PickInput): PickResult => {
  const currentReplicas = servingReplicasOf(input.instances, input.primaryId);
  const candidates = input.instances
    .filter((instance) => instance.MasterDBInstanceId === input.primaryId)
    .filter((instance) => !input.removing?.has(instance.DBInstanceId ?? ''))
    .sort(removalOrder);
  let firstRefusal: PickResult | undefined;
  for (const instance of candidates) {
    const decision = decideRemovalStep({
      step: 'isolate',
      instanceId: instance.DBInstanceId ?? '',
      instance,
      primaryId: input.primaryId,
      deployment: input.deployment,
      trigger: input.trigger,
      fleet: { currentReplicas, minReplicas: input.minReplicas },
    });
    if (decision.allowed) {
      return { picked: true, instance, requestId: requestIdOf(instance, input.records), currentReplicas };
    }
    // A foreign instance is not a candidate at all; any other refusal is worth reporting.
    if (!firstRefusal && decision.reason !== 'foreign-instance') {
      firstRefusal = { picked: false, reason: decision.reason, message: decision.message };
    }
  }
  return (
    firstRefusal ?? {
      picked: false,
      reason: 'no-candidate',
      message: `${input.primaryId} has no replica of this deployment that could be removed`,
    }
  );
};

/**
 * Pure: a removal that names its replica (`DBInstanceId`): that instance, as Tencent lists it now,
 * through the same safety rules; never another one in its place.
 */
export const checkNamedReplica = (input: PickInput & { readonly instanceId: string }): PickResult => {
  if (input.removing?.has(input.instanceId)) {
    return {
      picked: false,
      reason: 'already-removing',
      message: `${input.instanceId} is already being removed by another request`,
    };
  }
  const instance = input.instances.find((candidate) => candidate.DBInstanceId === input.instanceId);
  const currentReplicas = servingReplicasOf(input.instances, input.primaryId);
  const decision = decideRemovalStep({
    step: 'isolate',
    instanceId: input.instanceId,
    instance,
    primaryId: input.primaryId,
    deployment: input.deployment,
    trigger: input.trigger,
    fleet: { currentReplicas, minReplicas: input.minReplicas },
  });
  if (!decision.allowed || !instance) {
    return decision.allowed
      ? { picked: false, reason: 'instance-not-found', message: `${input.instanceId} is not listed` }
      : { picked: false, reason: decision.reason, message: decision.message };
  }
  return { picked: true, instance, requestId: requestIdOf(instance, input.records), currentReplicas };
};
