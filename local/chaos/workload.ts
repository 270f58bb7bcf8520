import type { ChaosRandom } from '#local/chaos/chaos-random.ts';

/** One submission of the chaos workload: a replay reuses an earlier key with the same body. */
export interface Submission {
  readonly idempotencyKey: string;
  readonly body: Record<string, unknown>;
  readonly replay: boolean;
  /** What the request should end as when nothing goes wrong: created, or refused by the policy. */
  readonly expect: 'replica' | 'rejected';
}

const PRIMARIES = [
  { weight: 0.7, body: { MasterDBInstanceId: 'postgres-abcdef', Region: 'ap-beijing' } },
  { weight: 0.15, body: { MasterDBInstanceId: 'postgres-bjorder1', Region: 'ap-beijing' } },
  // PREPAID: the create answer carries no instance ids; the poller resolves them with DescribeOrders.
  { weight: 0.15, body: { MasterDBInstanceId: 'postgres-gzprep01', Region: 'ap-guangzhou' } },
] as const;

const pickWeighted = (roll: number) => {
  let rest = roll;
  for (const candidate of PRIMARIES) {
    rest -= candidate.weight;
    if (rest < 0) return candidate;
  }
  return PRIMARIES[0];
};

/** Share of submissions that repeat an earlier key (clients retrying), and of oversized requests. */
const REPLAY_SHARE = 0.1;
const REJECTED_SHARE = 0.05;
const TWO_REPLICA_SHARE = 0.1;

/**
 * `count` submissions with a callback to `callbackUrl`: replicas of three primaries (postpaid and
 * prepaid), a few requests the policy refuses (Storage over its maximum), and replays of earlier keys.
 */
export const chaosWorkload = (
  random: ChaosRandom,
  options: { readonly count: number; readonly callbackUrl: string; readonly runId: string },
): Submission[] => {
  const submissions: Submission[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const earlier = submissions.filter((submission) => !submission.replay);
    if (earlier.length > 0 && random.chance(REPLAY_SHARE)) {
      submissions.push({ ...random.pick(earlier), replay: true });
      continue;
    }
    const rejected = random.chance(REJECTED_SHARE);
    const primary = pickWeighted(random.next());
    submissions.push({
      idempotencyKey: `chaos-${options.runId}-${index}`,
      body: {
        ...primary.body,
        Storage: rejected ? 5000 : random.int(1, 50) * 10,
        // Some orders are for two replicas at once: one call, two instances, one request.
        InstanceCount: random.chance(TWO_REPLICA_SHARE) ? 2 : 1,
        callback: { url: options.callbackUrl },
      },
      replay: false,
      expect: rejected ? 'rejected' : 'replica',
    });
  }
  return submissions;
};
