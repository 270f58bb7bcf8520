import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import type { RemovalTrigger } from '#shared/domain/removal-safety.ts';
import {
  checkNamedReplica,
  type PickInput,
  pickReplicaToRemove,
  servingReplicasOf,
} from '#shared/domain/replica-picker.ts';

const OURS = 'replica-flow-prod';
const PRIMARY = 'postgres-abcdef';
const ALERT: RemovalTrigger = { kind: 'alert' };
const ADMIN: RemovalTrigger = { kind: 'api', role: 'admin' };

const replica = (
  id: string,
  options: {
    created?: string;
    pay?: 'postpaid' | 'prepaid';
    status?: string;
    deployment?: string | null;
    primary?: string;
    type?: string;
  } = {},
): DBInstance => ({
  DBInstanceId: id,
  DBInstanceType: options.type ?? 'readonly',
  MasterDBInstanceId: options.primary ?? PRIMARY,
  DBInstanceStatus: options.status ?? 'running',
  PayType: options.pay ?? 'postpaid',
  CreateTime: options.created ?? '2026-12-01 10:00:00',
  TagList: [
    { TagKey: REQUEST_TAG_KEY, TagValue: `r-${id}` },
    ...(options.deployment === null
      ? []
      : [{ TagKey: DEPLOYMENT_TAG_KEY, TagValue: options.deployment ?? OURS }]),
  ],
});

const pick = (instances: DBInstance[], overrides: Partial<PickInput> = {}) =>
  pickReplicaToRemove({
    primaryId: PRIMARY,
    instances,
    records: [],
    deployment: OURS,
    trigger: ALERT,
    minReplicas: 0,
    ...overrides,
  });

const pickedId = (result: ReturnType<typeof pick>) =>
  result.picked ? result.instance.DBInstanceId : result.reason;

describe('pickReplicaToRemove', () => {
  it('takes the newest replica of this deployment', () => {
    const result = pick([
      replica('pgro-old', { created: '2026-12-01 09:00:00' }),
      replica('pgro-new', { created: '2026-12-03 09:00:00' }),
      replica('pgro-mid', { created: '2026-12-02 09:00:00' }),
    ]);

    expect(pickedId(result)).toBe('pgro-new');
  });

  it('takes a postpaid replica before a newer prepaid one, even on an admin request', () => {
    const instances = [
      replica('pgro-prepaid', { created: '2026-12-05 09:00:00', pay: 'prepaid' }),
      replica('pgro-postpaid', { created: '2026-12-01 09:00:00' }),
    ];

    expect(pickedId(pick(instances))).toBe('pgro-postpaid');
    expect(pickedId(pick(instances, { trigger: ADMIN }))).toBe('pgro-postpaid');
  });

  it('takes a prepaid replica only on an admin request when no postpaid one is left', () => {
    const instances = [replica('pgro-prepaid', { pay: 'prepaid' })];

    expect(pick(instances)).toMatchObject({ picked: false, reason: 'prepaid-needs-admin' });
    expect(pickedId(pick(instances, { trigger: ADMIN }))).toBe('pgro-prepaid');
  });

  it("skips the newest instance when it is another deployment's, untagged, a primary or another primary's", () => {
    const result = pick([
      replica('pgro-foreign', { created: '2026-12-09 09:00:00', deployment: 'replica-flow-staging' }),
      replica('pgro-legacy', { created: '2026-12-08 09:00:00', deployment: null }),
      replica('postgres-abcdef', { created: '2026-12-07 09:00:00', type: 'primary' }),
      replica('pgro-elsewhere', { created: '2026-12-06 09:00:00', primary: 'postgres-other' }),
      replica('pgro-ours', { created: '2026-12-01 09:00:00' }),
    ]);

    expect(pickedId(result)).toBe('pgro-ours');
  });

  it('skips replicas already being removed, and replicas not running', () => {
    const result = pick(
      [
        replica('pgro-a', { created: '2026-12-09 09:00:00' }),
        replica('pgro-b', { created: '2026-12-08 09:00:00', status: 'isolating' }),
        replica('pgro-c', { created: '2026-12-07 09:00:00' }),
      ],
      { removing: new Set(['pgro-a']) },
    );

    expect(pickedId(result)).toBe('pgro-c');
  });

  it('never picks one when an alert would go below the minimum, counting every serving replica', () => {
    const instances = [
      replica('pgro-ours'),
      replica('pgro-foreign', { deployment: 'someone-else' }),
      replica('pgro-isolated', { status: 'isolated' }),
    ];

    expect(servingReplicasOf(instances, PRIMARY)).toBe(2);
    expect(pickedId(pick(instances, { minReplicas: 1 }))).toBe('pgro-ours');
    expect(pick(instances, { minReplicas: 2 })).toMatchObject({ picked: false, reason: 'below-minimum' });
  });

  it('says there is no candidate when the primary has no replica of this deployment', () => {
    expect(pick([replica('pgro-foreign', { deployment: 'someone-else' })])).toMatchObject({
      picked: false,
      reason: 'no-candidate',
      message: expect.stringContaining(PRIMARY),
    });
    expect(pick([])).toMatchObject({ picked: false, reason: 'no-candidate' });
  });

  it('names the request that made the pick: its record first, else its tag', () => {
    const instances = [replica('pgro-a')];

    expect(pick(instances, { records: [{ requestId: 'r-record', instanceIds: ['pgro-a'] }] })).toMatchObject({
      requestId: 'r-record',
    });
    expect(pick(instances)).toMatchObject({ requestId: 'r-pgro-a', currentReplicas: 1 });
  });

  it('breaks a tie of age by id, so the same list always gives the same pick', () => {
    const instances = [replica('pgro-a'), replica('pgro-c'), replica('pgro-b')];

    expect(pickedId(pick(instances))).toBe('pgro-c');
    expect(pickedId(pick([...instances].reverse()))).toBe('pgro-c');
  });
});

describe('checkNamedReplica: a removal of one named replica', () => {
  const named = (instanceId: string, instances: DBInstance[], overrides: Partial<PickInput> = {}) =>
    checkNamedReplica({
      primaryId: PRIMARY,
      instances,
      records: [],
      deployment: OURS,
      trigger: { kind: 'api', role: 'submitter' },
      minReplicas: 0,
      instanceId,
      ...overrides,
    });

  it('takes the named replica, not the newest one', () => {
    const instances = [
      replica('pgro-old', { created: '2026-12-01 09:00:00' }),
      replica('pgro-new', { created: '2026-12-09 09:00:00' }),
    ];

    expect(named('pgro-old', instances)).toMatchObject({
      picked: true,
      instance: { DBInstanceId: 'pgro-old' },
    });
  });

  it.each([
    ['an instance Tencent does not list', 'pgro-nothere', [replica('pgro-a')], 'instance-not-found'],
    [
      "another deployment's replica",
      'pgro-f',
      [replica('pgro-f', { deployment: 'other' })],
      'foreign-instance',
    ],
    ['the primary itself', PRIMARY, [replica(PRIMARY, { type: 'primary' })], 'primary-instance'],
    ["another primary's replica", 'pgro-x', [replica('pgro-x', { primary: 'postgres-x' })], 'other-primary'],
    [
      'a prepaid replica, from a submitter key',
      'pgro-p',
      [replica('pgro-p', { pay: 'prepaid' })],
      'prepaid-needs-admin',
    ],
  ])('refuses %s, never substituting another', (_, id, instances, reason) => {
    expect(named(id, [...instances, replica('pgro-fine')])).toMatchObject({ picked: false, reason });
  });

  it('refuses a replica another removal is already working on', () => {
    expect(named('pgro-a', [replica('pgro-a')], { removing: new Set(['pgro-a']) })).toMatchObject({
      picked: false,
      reason: 'already-removing',
    });
  });

  it('allows an admin key to name a prepaid replica', () => {
    expect(named('pgro-p', [replica('pgro-p', { pay: 'prepaid' })], { trigger: ADMIN })).toMatchObject({
      picked: true,
    });
  });
});
