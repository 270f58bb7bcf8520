import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import type { ApiKeyRole } from '#shared/http/api-keys.ts';

/**
 * The one place the removal invariants of issue #14 live. Every step that changes an instance on a
 * removal path (leave its read-only group, lift its deletion protection, isolate it, destroy it)
 * asks `decideRemovalStep` first, with the instance as Tencent describes it RIGHT NOW (a fresh
 * `DescribeDBInstances` / `DescribeDBInstanceAttribute`, never a cached answer, never the request's
 * word, never a stored record), and makes the call only on `allowed: true`.
 *
 * The rules, in the order they are checked (the first broken one is the reason):
 * 1. `instance-not-found`: Tencent did not describe the instance asked for.
 * 2. `foreign-instance`: the instance lacks replica-flow's request-id tag or its deployment tag
 *    carrying THIS deployment's identity: never an instance replica-flow did not create here.
 * 3. `primary-instance`: only a `readonly` instance; a primary (or a guard, temp, or unknown
 *    type) never.
 * 4. `other-primary`: the replica belongs to another primary than the request's.
 * 5. `status-not-allowed`: the step does not apply to the instance's current status (isolate a
 *    `running` one, destroy only an `isolated` one).
 * 6. `prepaid-needs-admin`: never a prepaid replica automatically (isolating prepaid is a refunded
 *    return); only an explicit API request from an `admin` key. A charge type Tencent did not state
 *    counts as prepaid.
 * 7. `below-minimum`: a removal an alert started never takes the primary below its minimum; checked
 *    by every step before the instance leaves service (destroying an isolated instance changes no
 *    serving count). An explicit request may go below it.
 */

/** A step of a removal, each one a Tencent call that changes the instance. */
export type RemovalStep = 'leave-group' | 'lift-protection' | 'isolate' | 'destroy';

/** Who asked for the removal. */
export type RemovalTrigger =
  /** A resolved alert made the primary a scale-in candidate: automatic. */
  | { readonly kind: 'alert' }
  /** `POST /v1/replica-removals` with an API key of this role. */
  | { readonly kind: 'api'; readonly role: ApiKeyRole }
  /** Slack `/replica remove`: explicit, but no API key role (so never prepaid). */
  | { readonly kind: 'slack' };

export interface RemovalSafetyInput {
  readonly step: RemovalStep;
  /** The instance id the step would act on. */
  readonly instanceId: string;
  /** The instance as Tencent describes it right now; undefined when Tencent does not list it. */
  readonly instance: DBInstance | undefined;
  /** The request's `MasterDBInstanceId`. */
  readonly primaryId: string;
  /** This deployment's identity (`REPLICA_FLOW_DEPLOYMENT`). */
  readonly deployment: string;
  readonly trigger: RemovalTrigger;
  /**
   * For an alert's removal: the primary's serving replicas now (this one included) and its policy
   * minimum (`scaleOut.minReplicas`).
   */
  readonly fleet?: { readonly currentReplicas: number; readonly minReplicas: number };
}

export type RemovalRefusalReason =
  | 'instance-not-found'
  | 'foreign-instance'
  | 'primary-instance'
  | 'other-primary'
  | 'status-not-allowed'
  | 'prepaid-needs-admin'
  | 'below-minimum';

export type RemovalDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: RemovalRefusalReason; readonly message: string };

/** The instance statuses each step may act on. */
export const STEP_STATUSES: Readonly<Record<RemovalStep, readonly string[]>> = {
  'leave-group': ['running'],
  'lift-protection': ['running'],
  isolate: ['running'],
  destroy: ['isolated'],
};

/** Steps after which the instance no longer serves reads: the minimum is checked before them. */
const LEAVES_SERVICE: ReadonlySet<RemovalStep> = new Set(['leave-group', 'lift-protection', 'isolate']);

const tagValue = (instance: DBInstance, key: string): string | undefined =>
  instance.TagList?.find((tag) => tag.TagKey === key)?.TagValue;

const refuse = (reason: RemovalRefusalReason, message: string): RemovalDecision => ({
  allowed: false,
  reason,
  message,
});

/** Pure: whether `step` may act on the instance now, or the first invariant it would break. */
export const decideRemovalStep = (input: RemovalSafetyInput): RemovalDecision => {
  const { step, instanceId, instance, primaryId, deployment, trigger } = input;
  if (!instance || instance.DBInstanceId !== instanceId) {
    return refuse('instance-not-found', `Tencent does not describe ${instanceId}; nothing is done to it`);
  }
  const requestTag = tagValue(instance, REQUEST_TAG_KEY);
  const deploymentTag = tagValue(instance, DEPLOYMENT_TAG_KEY);
  if (!requestTag || deploymentTag !== deployment) {
    return refuse(
      'foreign-instance',
      `${instanceId} is not this deployment's replica: its Tencent tags carry ${
        deploymentTag === undefined ? `no ${DEPLOYMENT_TAG_KEY}` : `${DEPLOYMENT_TAG_KEY}=${deploymentTag}`
      }${requestTag ? '' : ` and no ${REQUEST_TAG_KEY}`}, and replica-flow (${deployment}) touches only its own`,
    );
  }
  if (instance.DBInstanceType !== 'readonly') {
    return refuse(
      'primary-instance',
      `${instanceId} is of type ${instance.DBInstanceType ?? 'unknown'}, not readonly: replica-flow removes only read-only replicas`,
    );
  }
  if (instance.MasterDBInstanceId !== primaryId) {
    return refuse(
      'other-primary',
      `${instanceId} replicates ${instance.MasterDBInstanceId ?? 'no known primary'}, not ${primaryId}`,
    );
  }
  const status = instance.DBInstanceStatus ?? 'unknown';
  if (!STEP_STATUSES[step].includes(status)) {
    return refuse(
      'status-not-allowed',
      `${step} acts on an instance that is ${STEP_STATUSES[step].join(' or ')}; ${instanceId} is ${status}`,
    );
  }
  if (instance.PayType !== 'postpaid' && !(trigger.kind === 'api' && trigger.role === 'admin')) {
    return refuse(
      'prepaid-needs-admin',
      `${instanceId} is ${instance.PayType ?? 'of an unstated charge type'} (treated as prepaid): isolating it is a refunded return, done only on an explicit request from an admin key`,
    );
  }
  if (trigger.kind === 'alert' && LEAVES_SERVICE.has(step)) {
    if (!input.fleet) {
      return refuse(
        'below-minimum',
        `an alert's removal of ${instanceId} needs ${primaryId}'s replica count and minimum`,
      );
    }
    const { currentReplicas, minReplicas } = input.fleet;
    // Written so that a NaN count or minimum refuses too.
    if (!(currentReplicas - 1 >= minReplicas)) {
      return refuse(
        'below-minimum',
        `removing ${instanceId} would leave ${primaryId} ${currentReplicas - 1} replicas, below its minimum of ${minReplicas}; an alert never goes below it`,
      );
    }
  }
  return { allowed: true };
};
