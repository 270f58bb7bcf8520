import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEPLOYMENT, DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import { parsePolicy } from '#shared/domain/policy-loader.ts';
import { pollInFlight } from '#shared/use-cases/poll-in-flight.ts';
import {
  MINIMUM_HOLD_SECONDS,
  MINIMUM_REQUESTER,
  restoreMinimums,
} from '#shared/use-cases/restore-minimums.ts';
import { corePorts, validatedRecord } from '#test/support/core-harness.ts';
import { describeFrom } from '#test/support/scripted-tencent.ts';

const POLICY = parsePolicy(
  `
version: 1
regions: [ap-beijing]
specs: [pg.it.small2]
limits: { maxStorage: 2000, maxInstanceCount: 3, maxReplicasPerPrimary: 10, prepaidAllowed: false }
primaries:
  postgres-abcdef:
    defaults:
      Region: ap-beijing
      Zone: ap-beijing-4
      SpecCode: pg.it.small2
      Storage: 100
      InstanceCount: 1
      Period: 1
      VpcId: vpc-8btfafeo
      SubnetId: subnet-1i9huswn
      InstanceChargeType: POSTPAID_BY_HOUR
    scaleOut: { enabled: false, maxReplicas: 5, cooldownSeconds: 0, minReplicas: 2 }
  postgres-nomin001:
    defaults: { Region: ap-beijing }
  "postgres-glob*":
    defaults: { Region: ap-beijing }
    scaleOut: { enabled: false, maxReplicas: 5, cooldownSeconds: 0, minReplicas: 1 }
`,
  'yaml',
);

const ours = (id: string, status: string, primary = 'postgres-abcdef', deployment = DEFAULT_DEPLOYMENT) =>
  ({
    DBInstanceId: id,
    DBInstanceStatus: status,
    DBInstanceType: 'readonly',
    MasterDBInstanceId: primary,
    TagList: [{ TagKey: DEPLOYMENT_TAG_KEY, TagValue: deployment }],
  }) as DBInstance;

/** The ports with Tencent listing `replicas` (honouring the tag filter and paging). */
const world = (replicas: DBInstance[]) => {
  const ports = corePorts();
  ports.tencent.otherwise('describeDBInstances', describeFrom(replicas));
  return { ...ports, markers: ports.store, policy: POLICY };
};

const submittedRequests = async (ports: ReturnType<typeof world>) =>
  (await ports.store.listInFlight({ limit: 100 })).records.filter(
    (record) => record.requester.identity === MINIMUM_REQUESTER.identity,
  );

describe('restoreMinimums (the poller keeps scaleOut.minReplicas)', () => {
  it('submits one scale-out for the missing replica when one was deleted out of band', async () => {
    // One of the two replicas is gone (offline); another deployment's running replica does not count.
    const ports = world([
      ours('pgro-aaaa0001', 'running'),
      ours('pgro-aaaa0002', 'offline'),
      ours('pgro-other001', 'running', 'postgres-abcdef', 'replica-flow-prod'),
    ]);

    const report = await restoreMinimums([], ports);

    const requests = await submittedRequests(ports);
    expect(report).toEqual({ describeCalls: 1, short: 1, requested: 1 });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.request).toMatchObject({
      MasterDBInstanceId: 'postgres-abcdef',
      InstanceCount: 1,
      requester: { source: 'api', identity: 'replica-flow:poller', context: { reason: 'minimum' } },
    });
    expect(ports.queue.sent.map((message) => message.queue)).toEqual(['requests']);
  });

  it('asks for every missing replica in one request, up to the policy maxInstanceCount', async () => {
    const ports = world([]);

    await restoreMinimums([], ports);

    expect((await submittedRequests(ports))[0]?.request.InstanceCount).toBe(2);
  });

  it('makes one request when two cycles find the same shortfall at once', async () => {
    const ports = world([ours('pgro-aaaa0001', 'running')]);

    const reports = await Promise.all([restoreMinimums([], ports), restoreMinimums([], ports)]);

    expect(await submittedRequests(ports)).toHaveLength(1);
    expect(reports.map((report) => report.requested).sort()).toEqual([0, 1]);
  });

  it('makes one request when a second cycle, a moment later, read the in-flight index before the first request existed', async () => {
    const ports = world([ours('pgro-aaaa0001', 'running')]);

    const first = await restoreMinimums([], ports);
    ports.clock.advance(1000);
    const second = await restoreMinimums([], ports);

    expect([first.requested, second.requested]).toEqual([1, 0]);
    expect(await submittedRequests(ports)).toHaveLength(1);
  });

  it('makes one request across two whole poll cycles that overlap', async () => {
    const ports = world([ours('pgro-aaaa0001', 'running')]);
    const deps = { ...ports, visibilityGraceMs: 1000, requeueAfterMs: 60_000, lockMs: 1 };

    // A lock that has expired lets both cycles run (the chaos run's lockless pollers).
    await Promise.all([pollInFlight({ ...deps, owner: 'a' }), pollInFlight({ ...deps, owner: 'b' })]);
    await pollInFlight({ ...deps, owner: 'c' });

    expect(await submittedRequests(ports)).toHaveLength(1);
  });

  it('submits nothing while a scale-out of that primary is in flight', async () => {
    const ports = world([ours('pgro-aaaa0001', 'running')]);
    const inFlight = validatedRecord('PROVISIONING');

    const report = await restoreMinimums([inFlight], ports);

    expect(inFlight.plan?.MasterDBInstanceId).toBe('postgres-abcdef');
    expect(report).toMatchObject({ short: 1, requested: 0 });
    expect(await submittedRequests(ports)).toHaveLength(0);
  });

  it('submits nothing when the minimum holds, and reads Tencent not at all when no primary has one', async () => {
    const ports = world([ours('pgro-aaaa0001', 'running'), ours('pgro-aaaa0002', 'running')]);
    const none = {
      ...world([]),
      policy: parsePolicy(
        'version: 1\nregions: [ap-beijing]\nspecs: [pg.it.small2]\nlimits: { maxStorage: 2000, maxInstanceCount: 1, maxReplicasPerPrimary: 5, prepaidAllowed: false }\nprimaries:\n  postgres-abcdef: {}\n',
        'yaml',
      ),
    };

    expect(await restoreMinimums([], ports)).toEqual({ describeCalls: 1, short: 0, requested: 0 });
    expect(await restoreMinimums([], none)).toEqual({ describeCalls: 0, short: 0, requested: 0 });
    expect(none.tencent.calls).toHaveLength(0);
  });

  it('tries again with a new request once the hold has passed and the last one ended short', async () => {
    const ports = world([ours('pgro-aaaa0001', 'running')]);
    await restoreMinimums([], ports);
    const [first] = await submittedRequests(ports);

    // The first request failed (it is no longer in flight): within the hold nothing; after it, one more.
    ports.clock.advance((MINIMUM_HOLD_SECONDS - 1) * 1000);
    const within = await restoreMinimums([], ports);
    ports.clock.advance(2000);
    const after = await restoreMinimums([], ports);

    expect(within.requested).toBe(0);
    expect(after.requested).toBe(1);
    const all = await submittedRequests(ports);
    expect(all).toHaveLength(2);
    expect(new Set(all.map((record) => record.idempotencyKey)).size).toBe(2);
    expect(all.map((record) => record.requestId)).toContain(first?.requestId);
  });

  it('counts DescribeDBInstances one per 100 of this deployment’s replicas in the region', async () => {
    const many = Array.from({ length: 250 }, (_, index) =>
      ours(`pgro-${String(index).padStart(8, '0')}`, 'running', 'postgres-bjother'),
    );
    const ports = world(many);

    const report = await restoreMinimums([], ports);

    expect(report.describeCalls).toBe(3);
    expect(ports.tencent.callsOf('describeDBInstances').every((call) => call.request.Limit === 100)).toBe(
      true,
    );
  });
});
