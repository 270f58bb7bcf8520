import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { describe, expect, it } from 'vitest';
import { readRuntimeEnvironment } from '#shared/config/runtime-config.ts';
import {
  DEFAULT_DEPLOYMENT,
  DEPLOYMENT_TAG_KEY,
  deploymentTagOf,
  reconcilableByDeployment,
} from '#shared/domain/deployment-identity.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import { ConfigError } from '#shared/errors.ts';
import { createReplica } from '#shared/use-cases/create-replica.ts';
import { pollInFlight } from '#shared/use-cases/poll-in-flight.ts';
import { corePorts, creationOf, minutesFromStart, validatedRecord } from '#test/support/core-harness.ts';
import { describeFrom } from '#test/support/scripted-tencent.ts';

const OURS = 'replica-flow-prod';
const tagged = (deployment?: string) => [
  { TagKey: REQUEST_TAG_KEY, TagValue: 'r-0123456789abcdef' },
  ...(deployment === undefined ? [] : [{ TagKey: DEPLOYMENT_TAG_KEY, TagValue: deployment }]),
];

describe('the deployment identity', () => {
  it('is the tag replica-flow-deployment, inside the reserved prefix a request may not use', () => {
    expect(DEPLOYMENT_TAG_KEY).toBe('replica-flow-deployment');
    expect(deploymentTagOf(tagged(OURS))).toBe(OURS);
    expect(deploymentTagOf(tagged())).toBeUndefined();
    expect(deploymentTagOf(undefined)).toBeUndefined();
  });

  it.each([
    ['this deployment', OURS, true],
    ['no deployment tag (created before the tag existed)', undefined, true],
    ['another deployment', 'replica-flow-staging', false],
    ['an empty deployment tag', '', false],
  ])('lets reconciliation adopt a replica tagged for %s: %s', (_, deployment, adopted) => {
    expect(reconcilableByDeployment(tagged(deployment), OURS)).toBe(adopted);
  });

  it('comes from REPLICA_FLOW_DEPLOYMENT, replica-flow-local when unset', () => {
    expect(readRuntimeEnvironment({}).REPLICA_FLOW_DEPLOYMENT).toBe(DEFAULT_DEPLOYMENT);
    expect(readRuntimeEnvironment({ REPLICA_FLOW_DEPLOYMENT: OURS }).REPLICA_FLOW_DEPLOYMENT).toBe(OURS);
  });

  it.each(['has space', 'a'.repeat(128), 'semi;colon'])(
    'refuses the deployment identity %j at cold start, naming the variable and the rule',
    (value) => {
      expect(() => readRuntimeEnvironment({ REPLICA_FLOW_DEPLOYMENT: value })).toThrow(ConfigError);
      expect(() => readRuntimeEnvironment({ REPLICA_FLOW_DEPLOYMENT: value })).toThrow(
        /REPLICA_FLOW_DEPLOYMENT: a deployment identity is 1-127/,
      );
    },
  );
});

describe('reconciliation of an UNKNOWN create, across deployments sharing one Tencent account', () => {
  const reconcileWith = async (deployment: string | undefined) => {
    const ports = corePorts();
    const base = validatedRecord('UNKNOWN', { unknownSince: minutesFromStart(-1) });
    const record = { ...base, creation: creationOf(base.requestId) };
    ports.store.records.set(record.requestId, record);
    const found = {
      DBInstanceId: 'pgro-found',
      DBInstanceStatus: 'initing',
      DBInstanceName: record.creation.instanceName,
      TagList: [
        { TagKey: REQUEST_TAG_KEY, TagValue: record.requestId },
        ...(deployment === undefined ? [] : [{ TagKey: DEPLOYMENT_TAG_KEY, TagValue: deployment }]),
      ],
    } as DBInstance;
    ports.tencent.otherwise('describeDBInstances', describeFrom([found]));
    await pollInFlight({
      ...ports,
      visibilityGraceMs: 5 * 60_000,
      requeueAfterMs: 3_600_000,
      lockMs: 30_000,
      deployment: OURS,
    });
    return ports.store.get(record.requestId);
  };

  it('adopts the replica tagged with this deployment', async () => {
    expect(await reconcileWith(OURS)).toMatchObject({
      state: 'SUBMITTED',
      creation: { instanceIds: ['pgro-found'] },
    });
  });

  it('adopts a replica without a deployment tag, made before the upgrade while its request was in flight', async () => {
    expect(await reconcileWith(undefined)).toMatchObject({ state: 'SUBMITTED' });
  });

  it("never adopts another deployment's replica, even with the same request id and name", async () => {
    expect(await reconcileWith('replica-flow-staging')).toMatchObject({ state: 'UNKNOWN' });
  });
});

describe('the create', () => {
  it("tags every replica with this deployment's identity besides its request id", async () => {
    const ports = corePorts();
    const record = validatedRecord('VALIDATED');
    ports.store.records.set(record.requestId, record);
    ports.tencent.otherwise('createReadOnlyDBInstance', {
      ok: { DealNames: ['d-1'], DBInstanceIdSet: ['pgro-1'] },
    });

    await createReplica(record.requestId, { ...ports, leaseMs: 60_000, deployment: OURS });

    expect(ports.tencent.callsOf('createReadOnlyDBInstance')[0]?.request.Tags).toEqual([
      { TagKey: REQUEST_TAG_KEY, TagValue: record.requestId },
      { TagKey: DEPLOYMENT_TAG_KEY, TagValue: OURS },
    ]);
  });
});
