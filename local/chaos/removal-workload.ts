import type { ChaosRandom } from '#local/chaos/chaos-random.ts';

/**
 * What a removal of the chaos run should come to when nothing goes wrong: `removed` (or refused for
 * a reason of the moment: the primary busy, the replica already being removed), `refused` (REJECTED:
 * it names an instance replica-flow must never touch), or `border` (a 400 from the API: never queued).
 */
export type RemovalExpectation = 'removed' | 'refused' | 'border';

/** Which rule the removal exercises. */
export type RemovalKind =
  | 'named-replica'
  | 'same-replica-again'
  | 'by-primary'
  | 'foreign-untagged'
  | 'foreign-other-deployment'
  | 'prepaid-by-submitter'
  | 'prepaid-primary-by-submitter'
  | 'replica-of-other-primary'
  | 'primary-as-replica';

export interface RemovalSubmission {
  readonly idempotencyKey: string;
  readonly body: Record<string, unknown>;
  readonly kind: RemovalKind;
  readonly expect: RemovalExpectation;
  /** A replay repeats an earlier submission's key and body (a client retrying). */
  readonly replay: boolean;
}

/** A replica the run's creates made, READY when the removal wave started. */
export interface ReadyReplica {
  readonly instanceId: string;
  readonly primaryId: string;
  readonly region: string;
  readonly prepaid: boolean;
}

export interface RemovalWorkloadInput {
  readonly ready: readonly ReadyReplica[];
  /** Instances of `postgres-abcdef` the run made behind replica-flow's back: no tag, another deployment's tag. */
  readonly foreign: { readonly untagged: string; readonly otherDeployment: string };
  readonly callbackUrl: string;
  readonly runId: string;
  /** Removals of a named replica (each maybe asked twice under two keys). */
  readonly named: number;
}

const POSTPAID_PRIMARIES = [
  { MasterDBInstanceId: 'postgres-abcdef', Region: 'ap-beijing' },
  { MasterDBInstanceId: 'postgres-bjorder1', Region: 'ap-beijing' },
] as const;
const PREPAID_PRIMARY = { MasterDBInstanceId: 'postgres-gzprep01', Region: 'ap-guangzhou' } as const;

/**
 * The run's removals, through `POST /v1/replica-removals` with a `submitter` key: named replicas
 * (some asked twice under two keys: one may remove it), removals by primary (replica-flow picks),
 * replays of earlier keys, and removals replica-flow must refuse — instances it did not create
 * (untagged, or another deployment's), a prepaid replica asked by a non-admin key, a replica named
 * under another primary, and a primary's id where a replica's belongs.
 */
export const removalWorkload = (random: ChaosRandom, input: RemovalWorkloadInput): RemovalSubmission[] => {
  const submissions: RemovalSubmission[] = [];
  const add = (kind: RemovalKind, expect: RemovalExpectation, body: Record<string, unknown>) => {
    submissions.push({
      idempotencyKey: `chaos-${input.runId}-removal-${submissions.length}`,
      body: { ...body, callback: { url: input.callbackUrl } },
      kind,
      expect,
      replay: false,
    });
  };
  const postpaid = random.shuffle(input.ready.filter((replica) => !replica.prepaid));
  for (const replica of postpaid.slice(0, input.named)) {
    const body = {
      MasterDBInstanceId: replica.primaryId,
      Region: replica.region,
      DBInstanceId: replica.instanceId,
    };
    add('named-replica', 'removed', body);
    if (random.chance(0.5)) add('same-replica-again', 'removed', body);
  }
  for (const primary of POSTPAID_PRIMARIES) add('by-primary', 'removed', primary);
  add('by-primary', 'removed', POSTPAID_PRIMARIES[0]);
  add('foreign-untagged', 'refused', { ...POSTPAID_PRIMARIES[0], DBInstanceId: input.foreign.untagged });
  add('foreign-other-deployment', 'refused', {
    ...POSTPAID_PRIMARIES[0],
    DBInstanceId: input.foreign.otherDeployment,
  });
  const prepaid = input.ready.find((replica) => replica.prepaid);
  if (prepaid)
    add('prepaid-by-submitter', 'refused', { ...PREPAID_PRIMARY, DBInstanceId: prepaid.instanceId });
  // Its only replicas are prepaid: a submitter's removal by primary finds nothing it may remove.
  add('prepaid-primary-by-submitter', 'refused', PREPAID_PRIMARY);
  const elsewhere = postpaid.find((replica) => replica.primaryId === 'postgres-abcdef');
  if (elsewhere) {
    add('replica-of-other-primary', 'refused', {
      ...POSTPAID_PRIMARIES[1],
      DBInstanceId: elsewhere.instanceId,
    });
  }
  add('primary-as-replica', 'border', { ...POSTPAID_PRIMARIES[0], DBInstanceId: 'postgres-abcdef' });
  const originals = submissions.filter((submission) => submission.expect !== 'border');
  for (let replays = 0; replays < 2 && originals.length > 0; replays += 1) {
    submissions.push({ ...random.pick(originals), replay: true });
  }
  return random.shuffle(submissions);
};
