import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_TAG_KEY } from '#shared/domain/deployment-identity.ts';
import { fleetPrice, joinFleet, tencentTimeToIso } from '#shared/domain/fleet-assembly.ts';
import { REQUEST_TAG_KEY } from '#shared/domain/idempotency.ts';
import { parsePolicy } from '#shared/domain/policy-loader.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { scaleOutMarkerName } from '#shared/domain/scale-out-marker.ts';
import { ConfigError } from '#shared/errors.ts';
import { fleetView } from '#shared/use-cases/fleet-view.ts';
import { requestRecord } from '#test/fixtures/request-records.ts';
import { fixedClock } from '#test/support/fixed-clock.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import { recordingMetrics } from '#test/support/recording-metrics.ts';
import { describeFrom, ScriptedTencent } from '#test/support/scripted-tencent.ts';

const PRIMARY = 'postgres-abcdef';
const DEPLOYMENT = 'replica-flow-unit';
const NOW = new Date('2026-12-07T12:00:00.000Z');
/** CNY 0.34 an hour: CNY 248.20 a month (730 h). */
const HOURLY = { originalMinor: 34, discountedMinor: 34, currency: 'CNY', per: 'PT1H' } as const;

const ready = (instanceId: string, overrides: Partial<RequestRecord> = {}): RequestRecord =>
  requestRecord({
    state: 'READY',
    price: HOURLY,
    instances: [{ instanceId, status: 'running' }],
    createdAt: '2026-12-07T10:00:00.000Z',
    ...overrides,
  });

/** A replica of `PRIMARY` as DescribeDBInstances lists it, tagged as replica-flow tags its own. */
const listed = (
  id: string,
  options: { status?: string; requestId?: string; deployment?: string | null; primary?: string } = {},
): DBInstance =>
  ({
    DBInstanceId: id,
    DBInstanceStatus: options.status ?? 'running',
    MasterDBInstanceId: options.primary ?? PRIMARY,
    DBInstanceType: 'readonly',
    CreateTime: '2026-12-07 18:30:00',
    ReadOnlyInstanceNum: 0,
    TagList: [
      ...(options.requestId ? [{ TagKey: REQUEST_TAG_KEY, TagValue: options.requestId }] : []),
      ...(options.deployment === null
        ? []
        : [{ TagKey: DEPLOYMENT_TAG_KEY, TagValue: options.deployment ?? DEPLOYMENT }]),
    ],
  }) as DBInstance;

const join = (records: RequestRecord[], instances: DBInstance[], groups: Record<string, string> = {}) =>
  joinFleet({
    primaryId: PRIMARY,
    records,
    listed: instances,
    groups: new Map(Object.entries(groups)),
    deployment: DEPLOYMENT,
    now: NOW,
  });

describe('the fleet join (records beside what Tencent lists)', () => {
  it("shows each record's replica with Tencent's status, its group, its age from Tencent's CreateTime and its price", () => {
    const record = ready('pgro-aaaa0001');

    const view = join([record], [listed('pgro-aaaa0001')], { 'pgro-aaaa0001': 'pgrogrp-ab12cd34' });

    expect(view.replicas).toEqual([
      {
        instanceId: 'pgro-aaaa0001',
        requestId: record.requestId,
        state: 'READY',
        tencentStatus: 'running',
        groupId: 'pgrogrp-ab12cd34',
        createdAt: '2026-12-07T10:30:00.000Z',
        ageSeconds: 5400,
        price: {
          currency: 'CNY',
          per: 'PT1H',
          perHour: 0.34,
          perHourMinor: 34,
          perMonth: 248.2,
          perMonthMinor: 24_820,
          instances: 1,
        },
      },
    ]);
    expect(view.orphans).toEqual([]);
    expect(view.drift).toEqual([]);
  });

  it('reports a READY record whose instance Tencent no longer lists, or lists as removed, as drift', () => {
    const gone = ready('pgro-gone0001');
    const isolated = ready('pgro-isol0001');
    const fine = ready('pgro-fine0001');

    const view = join(
      [gone, isolated, fine],
      [listed('pgro-isol0001', { status: 'isolated' }), listed('pgro-fine0001')],
    );

    expect(view.drift).toEqual([
      { requestId: gone.requestId, instanceId: 'pgro-gone0001', state: 'READY', tencentStatus: 'not listed' },
      {
        requestId: isolated.requestId,
        instanceId: 'pgro-isol0001',
        state: 'READY',
        tencentStatus: 'isolated',
      },
    ]);
  });

  it('never calls a create in flight drift while Tencent does not list its instance yet', () => {
    const submitted = requestRecord({
      state: 'SUBMITTED',
      creation: {
        attempt: 1,
        startedAt: NOW.toISOString(),
        instanceName: 'n',
        dealNames: [],
        instanceIds: ['pgro-new00001'],
      },
    });
    const creating = requestRecord({ state: 'CREATING' });

    const view = join([submitted, creating], []);

    expect(view.drift).toEqual([]);
    expect(view.replicas.map((line) => [line.instanceId, line.tencentStatus])).toEqual([
      ['pgro-new00001', 'not listed'],
      [undefined, 'not listed'],
    ]);
  });

  it("reports instances with this deployment's tag that no record knows as orphans, and nothing else", () => {
    const known = ready('pgro-known001');
    const inFlight = requestRecord({ state: 'CREATING' });

    const view = join(
      [known, inFlight],
      [
        listed('pgro-known001', { requestId: known.requestId }),
        // made by the create in flight: known by its request tag before its id is recorded
        listed('pgro-flight01', { requestId: inFlight.requestId }),
        listed('pgro-orphan01', { requestId: 'r-0123456789abcdef' }),
        listed('pgro-another1', { deployment: 'replica-flow-prod' }),
        listed('pgro-untag001', { deployment: null }),
        listed('pgro-otherpr1', { primary: 'postgres-bjorder1' }),
        listed('pgro-binned01', { status: 'isolated' }),
      ],
    );

    expect(view.orphans).toEqual([
      {
        instanceId: 'pgro-orphan01',
        tencentStatus: 'running',
        createdAt: '2026-12-07T10:30:00.000Z',
        requestTag: 'r-0123456789abcdef',
      },
    ]);
  });

  it('prices a prepaid period per month, rounded up, with no hourly price', () => {
    expect(fleetPrice({ originalMinor: 100, discountedMinor: 100, currency: 'CNY', per: 'P3M' }, 2)).toEqual({
      currency: 'CNY',
      per: 'P3M',
      perMonth: 0.34,
      perMonthMinor: 34,
      instances: 2,
    });
  });

  it("reads Tencent's CreateTime as Beijing time and refuses what is not one", () => {
    expect(tencentTimeToIso('2026-12-07 08:00:00')).toBe('2026-12-07T00:00:00.000Z');
    expect(tencentTimeToIso('0000-00-00 00:00:00')).toBeUndefined();
    expect(tencentTimeToIso('yesterday')).toBeUndefined();
  });
});

const POLICY = parsePolicy(
  `
version: 1
regions: [ap-beijing]
specs: [pg.it.small2]
limits: { maxStorage: 2000, maxInstanceCount: 3, maxReplicasPerPrimary: 5, prepaidAllowed: false }
primaries:
  ${PRIMARY}:
    defaults: { Region: ap-beijing, Zone: ap-beijing-4 }
    scaleOut: { enabled: true, maxReplicas: 3, cooldownSeconds: 600, minReplicas: 1 }
    scaleIn: { enabled: true, cooldownSeconds: 900, stableForSeconds: 1800 }
  postgres-*: {}
budgets:
  currency: CNY
  global: { monthlyCeiling: 1000 }
  perPrimary:
    ${PRIMARY}: { monthlyCeiling: 400 }
    postgres-bjorder1: { monthlyCeiling: 50 }
  perRequesterGroup:
    slackChannels: { C0123456: { monthlyCeiling: 600 } }
`,
  'yaml',
  'fleet.yaml',
);

const setUp = async (records: RequestRecord[], instances: DBInstance[]) => {
  const store = new InMemoryStore();
  for (const record of records) await store.putNew(record);
  const primary = { DBInstanceId: PRIMARY, DBInstanceType: 'primary', ReadOnlyInstanceNum: 2 } as DBInstance;
  const tencent = new ScriptedTencent().otherwise(
    'describeDBInstances',
    describeFrom([primary, ...instances]),
  );
  const { metrics, total } = recordingMetrics();
  const deps = {
    store,
    tencent,
    clock: fixedClock(NOW),
    policy: POLICY,
    deployment: DEPLOYMENT,
    metrics,
  };
  return { store, tencent, deps, total };
};

describe('fleetView', () => {
  it('joins the primary’s active records with Tencent, says what the policy allows next and the spend per budget', async () => {
    const first = ready('pgro-aaaa0001');
    const second = ready('pgro-gone0001');
    const otherPrimary = ready('pgro-bj000001', {
      request: { ...requestRecord().request, MasterDBInstanceId: 'postgres-bjorder1' },
    });
    const { deps, store, total } = await setUp(
      [first, second, otherPrimary],
      [listed('pgro-aaaa0001'), listed('pgro-orphan01', { requestId: 'r-0123456789abcdef' })],
    );
    await store.putMarker(
      scaleOutMarkerName(PRIMARY),
      { requestId: first.requestId, at: '2026-12-07T11:55:00.000Z' },
      { ifAbsentOrExpired: true, until: new Date('2026-12-07T12:05:00.000Z'), now: NOW },
    );

    const view = await fleetView(PRIMARY, deps);

    expect(view.tencent).toEqual({ checked: true });
    expect(view.region).toBe('ap-beijing');
    expect(view.replicas.map((line) => line.instanceId)).toEqual(['pgro-aaaa0001', 'pgro-gone0001']);
    expect(view.orphans.map((orphan) => orphan.instanceId)).toEqual(['pgro-orphan01']);
    expect(view.drift.map((entry) => entry.instanceId)).toEqual(['pgro-gone0001']);
    expect(view.policy).toEqual({
      entry: PRIMARY,
      minReplicas: 1,
      maxReplicas: 3,
      maxReplicasPerPrimary: 5,
      scaleOut: {
        enabled: true,
        listed: 2,
        inFlight: 0,
        room: 1,
        roomPerPrimary: 3,
        cooldownUntil: '2026-12-07T12:05:00.000Z',
        lastScaleOut: { at: '2026-12-07T11:55:00.000Z', requestId: first.requestId },
      },
      scaleIn: {
        enabled: true,
        cooldownSeconds: 900,
        stableForSeconds: 1800,
        destroy: 'recycle-bin',
        notBefore: '2026-12-07T12:10:00.000Z',
        boundBy: 'cooldown',
        firing: [],
        atMinimum: false,
        notKnown: [expect.stringContaining('the poller asks right before it acts')],
      },
    });
    // Global counts all three replicas; the primary's own only its two; the channel's all three
    // (every fixture record comes from the same Slack channel). postgres-bjorder1's budget is not shown.
    expect(view.budgets).toEqual([
      expect.objectContaining({ budget: 'budgets.global', usedMinor: 74_460, ceilingMinor: 100_000 }),
      expect.objectContaining({
        budget: `budgets.perPrimary.${PRIMARY}`,
        used: 496.4,
        usedMinor: 49_640,
        remainingMinor: -9_640,
      }),
      expect.objectContaining({
        budget: 'budgets.perRequesterGroup.slackChannels.C0123456',
        usedMinor: 74_460,
      }),
    ]);
    expect(total('FleetOrphans')).toBe(1);
    expect(total('FleetDrift')).toBe(1);
  });

  it('says of each orphan whether the record its request tag names ended, or is gone', async () => {
    const timedOut = requestRecord({ requestId: 'r-00000000000000a1', state: 'TIMED_OUT' });
    const { deps } = await setUp(
      [timedOut],
      [
        listed('pgro-late0001', { requestId: timedOut.requestId }),
        listed('pgro-lost0001', { requestId: 'r-00000000000000b2' }),
      ],
    );

    const view = await fleetView(PRIMARY, deps);

    expect(view.orphans.map((orphan) => [orphan.instanceId, orphan.recordState])).toEqual([
      ['pgro-late0001', 'TIMED_OUT'],
      ['pgro-lost0001', 'gone'],
    ]);
  });

  it('asks Tencent by id in batches of at most 100, and scans the deployment tag page by page', async () => {
    const records = Array.from({ length: 150 }, (_, index) =>
      ready(`pgro-${String(index).padStart(8, '0')}`),
    );
    const { deps, tencent } = await setUp(
      records,
      records.map((record) => listed(record.instances?.[0]?.instanceId ?? '')),
    );

    const view = await fleetView(PRIMARY, deps);

    const byId = tencent
      .callsOf('describeDBInstances')
      .filter((call) => call.request.Filters?.[0]?.Name === 'db-instance-id');
    const byTag = tencent
      .callsOf('describeDBInstances')
      .filter((call) => call.request.Filters?.[0]?.Name === 'db-tag-key');
    expect(byId.map((call) => call.request.Filters?.[0]?.Values?.length)).toEqual([100, 51]);
    expect(byTag.map((call) => call.request.Offset)).toEqual([0, 100]);
    expect(view.drift).toEqual([]);
    expect(view.orphans).toEqual([]);
  });

  it('answers from the records, saying why, when Tencent cannot be asked — and reports no orphans or drift it did not see', async () => {
    const record = ready('pgro-aaaa0001');
    const { deps, total } = await setUp([record], []);
    deps.tencent.otherwise('describeDBInstances', () => {
      throw new ConfigError('Tencent Cloud is not configured in this function');
    });

    const view = await fleetView(PRIMARY, deps);

    expect(view.tencent).toEqual({
      checked: false,
      reason: 'Tencent Cloud is not configured in this function',
    });
    expect(view.replicas).toEqual([
      expect.objectContaining({ instanceId: 'pgro-aaaa0001', tencentStatus: 'not asked' }),
    ]);
    expect(view.drift).toEqual([]);
    expect(view.policy.scaleOut).not.toHaveProperty('room');
    expect(total('FleetDrift')).toBe(0);
  });
});

describe('fleetView, where the policy, the records or Tencent say less', () => {
  const GLOBBED = 'postgres-bjorder1';
  const recordOf = (primaryId: string, overrides: Partial<RequestRecord> = {}) =>
    requestRecord({
      state: 'READY',
      instances: [{ instanceId: 'pgro-glob0001', status: 'running' }],
      createdAt: '2026-12-07T10:00:00.000Z',
      ...overrides,
      request: { ...requestRecord().request, ...overrides.request, MasterDBInstanceId: primaryId },
    });
  const planOf = (record: RequestRecord, Region: string, extra: Record<string, unknown> = {}) =>
    ({ ...record.request, Region, ...extra }) as unknown as NonNullable<RequestRecord['plan']>;

  it('asks Tencent in the region of the oldest record’s plan when the policy entry names no region', async () => {
    const unplanned = recordOf(GLOBBED, { createdAt: '2026-12-07T09:00:00.000Z' });
    const planned = recordOf(GLOBBED);
    const { deps, tencent } = await setUp(
      [{ ...planned, plan: planOf(planned, 'ap-shanghai') }, unplanned],
      [],
    );

    const view = await fleetView(GLOBBED, deps);

    expect(view.region).toBe('ap-shanghai');
    expect(new Set(tencent.calls.map((call) => call.region))).toEqual(new Set(['ap-shanghai']));
  });

  it('falls back to the region a record’s request named when no record has a plan', async () => {
    const record = recordOf(GLOBBED, { request: { ...requestRecord().request, Region: 'ap-guangzhou' } });
    const { deps, tencent } = await setUp([record], []);

    const view = await fleetView(GLOBBED, deps);

    expect(view.region).toBe('ap-guangzhou');
    expect(tencent.callsOf('describeReadOnlyGroups').map((call) => call.region)).toEqual(['ap-guangzhou']);
  });

  it('asks in the region given by the caller before the policy’s or the records’', async () => {
    const { deps, tencent } = await setUp([ready('pgro-aaaa0001')], []);

    const view = await fleetView(PRIMARY, deps, { region: 'ap-chengdu' });

    expect(view.region).toBe('ap-chengdu');
    expect(tencent.callsOf('describeDBInstances').every((call) => call.region === 'ap-chengdu')).toBe(true);
  });

  it('says no region is known, and asks Tencent nothing, for a primary with no records under an entry without defaults', async () => {
    const { deps, tencent } = await setUp([], []);

    const view = await fleetView(GLOBBED, deps);

    expect(view).not.toHaveProperty('region');
    expect(view.tencent).toEqual({
      checked: false,
      reason: expect.stringContaining(`No region known for ${GLOBBED}`),
    });
    expect(tencent.calls).toEqual([]);
  });

  it('says Tencent was not asked when the function has no reader key, and reports no metrics', async () => {
    const { deps, total } = await setUp([ready('pgro-aaaa0001')], []);

    const view = await fleetView(PRIMARY, { ...deps, tencent: undefined });

    expect(view.tencent).toEqual({
      checked: false,
      reason: expect.stringContaining('TENCENTCLOUD_READER_SECRET_ID'),
    });
    expect(view.replicas).toEqual([expect.objectContaining({ tencentStatus: 'not asked' })]);
    expect(total('FleetOrphans')).toBe(0);
  });

  it('lets an error that is not a replica-flow error through rather than calling it Tencent not asked', async () => {
    const { deps } = await setUp([ready('pgro-aaaa0001')], []);
    deps.tencent.otherwise('describeReadOnlyGroups', () => {
      throw new TypeError('a defect in the adapter');
    });

    await expect(fleetView(PRIMARY, deps)).rejects.toThrow('a defect in the adapter');
  });

  it('reads a DescribeDBInstances answer without an instance set or a total as listing nothing', async () => {
    const record = ready('pgro-aaaa0001');
    const { deps, tencent } = await setUp([record], []);
    deps.tencent.otherwise('describeDBInstances', { ok: {} });
    deps.tencent.otherwise('describeReadOnlyGroups', { ok: {} });

    const view = await fleetView(PRIMARY, deps);

    expect(view.tencent).toEqual({ checked: true });
    expect(view.drift).toEqual([
      {
        requestId: record.requestId,
        instanceId: 'pgro-aaaa0001',
        state: 'READY',
        tencentStatus: 'not listed',
      },
    ]);
    // Tencent did not list the primary: its replica count, and so the room left, are not known.
    expect(view.policy.scaleOut).not.toHaveProperty('listed');
    expect(view.policy.scaleOut).not.toHaveProperty('roomPerPrimary');
    // One page of the tag scan: an answer without a set ends it.
    expect(
      tencent
        .callsOf('describeDBInstances')
        .filter((call) => call.request.Filters?.[0]?.Name === 'db-tag-key'),
    ).toHaveLength(1);
  });

  it('ends the tag scan at a full page that reaches Tencent’s total', async () => {
    const orphans = Array.from({ length: 100 }, (_, index) =>
      listed(`pgro-${String(index).padStart(8, '0')}`),
    );
    const { deps, tencent } = await setUp([], orphans);

    const view = await fleetView(PRIMARY, deps);

    expect(view.orphans).toHaveLength(100);
    expect(
      tencent
        .callsOf('describeDBInstances')
        .filter((call) => call.request.Filters?.[0]?.Name === 'db-tag-key')
        .map((call) => call.request.Offset),
    ).toEqual([0]);
  });

  it('reads no further pages after a full page of the tag scan that says no total', async () => {
    const orphans = Array.from({ length: 100 }, (_, index) =>
      listed(`pgro-${String(index).padStart(8, '0')}`),
    );
    const { deps, tencent } = await setUp([], orphans);
    const answer = describeFrom(orphans);
    deps.tencent.otherwise('describeDBInstances', (request) => ({
      DBInstanceSet: answer(request).DBInstanceSet,
    }));

    const view = await fleetView(PRIMARY, deps);

    expect(view.orphans).toHaveLength(100);
    expect(
      tencent
        .callsOf('describeDBInstances')
        .filter((call) => call.request.Filters?.[0]?.Name === 'db-tag-key'),
    ).toHaveLength(1);
  });

  it('names each replica’s read-only group, skipping members and groups Tencent lists without an id', async () => {
    const first = ready('pgro-aaaa0001');
    const second = ready('pgro-bbbb0002');
    const { deps, tencent } = await setUp(
      [first, second],
      [listed('pgro-aaaa0001'), listed('pgro-bbbb0002')],
    );
    deps.tencent.otherwise('describeReadOnlyGroups', {
      ok: {
        ReadOnlyGroupList: [
          {
            ReadOnlyGroupId: 'pgrogrp-ab12cd34',
            ReadOnlyDBInstanceList: [{ DBInstanceId: 'pgro-aaaa0001' }, {}],
          },
          { ReadOnlyDBInstanceList: [{ DBInstanceId: 'pgro-bbbb0002' }] },
          { ReadOnlyGroupId: 'pgrogrp-empty000' },
        ],
      },
    });

    const view = await fleetView(PRIMARY, deps);

    expect(view.replicas.map((line) => [line.instanceId, line.groupId])).toEqual([
      ['pgro-aaaa0001', 'pgrogrp-ab12cd34'],
      ['pgro-bbbb0002', undefined],
    ]);
    expect(tencent.callsOf('describeReadOnlyGroups')[0]?.request.Filters).toEqual([
      { Name: 'db-master-instance-id', Values: [PRIMARY] },
    ]);
  });

  it('leaves an orphan whose request tag is missing or not a request id without a record state', async () => {
    const { deps, store } = await setUp(
      [],
      [listed('pgro-notag001'), listed('pgro-badtag01', { requestId: 'made-by-hand' })],
    );
    const lookups: string[] = [];
    const get = store.get.bind(store);
    store.get = async (requestId) => {
      lookups.push(requestId);
      return get(requestId);
    };

    const view = await fleetView(PRIMARY, deps);

    expect(view.orphans.map((orphan) => orphan.instanceId).sort()).toEqual([
      'pgro-badtag01',
      'pgro-notag001',
    ]);
    expect(view.orphans.every((orphan) => orphan.recordState === undefined)).toBe(true);
    expect(lookups).toEqual([]);
  });

  it('counts each create in flight by its plan’s InstanceCount, else its request’s, else one', async () => {
    const creating = requestRecord({ state: 'CREATING', createdAt: '2026-12-07T11:00:00.000Z' });
    const planned = { ...creating, plan: planOf(creating, 'ap-beijing', { InstanceCount: 2 }) };
    const submitted = requestRecord({
      state: 'SUBMITTED',
      createdAt: '2026-12-07T11:01:00.000Z',
      request: { ...requestRecord().request, InstanceCount: 3 },
    });
    const { InstanceCount: _omitted, ...countless } = requestRecord().request;
    const unknown = requestRecord({
      state: 'UNKNOWN',
      createdAt: '2026-12-07T11:02:00.000Z',
      request: countless as RequestRecord['request'],
    });
    const { deps } = await setUp([planned, submitted, unknown, ready('pgro-aaaa0001')], []);

    const view = await fleetView(PRIMARY, deps);

    // 2 + 3 + 1 in flight beside Tencent's 2: above maxReplicas 3 and maxReplicasPerPrimary 5.
    expect(view.policy.scaleOut).toMatchObject({ listed: 2, inFlight: 6, room: 0, roomPerPrimary: 0 });
  });

  it('shows a primary under a glob entry without scale-out: no maxReplicas, room only by the per-primary limit, scale-in off', async () => {
    const record = recordOf(GLOBBED, { plan: undefined });
    const { deps } = await setUp([record], []);
    deps.tencent.otherwise(
      'describeDBInstances',
      describeFrom([{ DBInstanceId: GLOBBED, ReadOnlyInstanceNum: 1 } as DBInstance]),
    );

    const view = await fleetView(GLOBBED, deps);

    expect(view.policy).toEqual({
      entry: 'postgres-*',
      minReplicas: 0,
      maxReplicasPerPrimary: 5,
      scaleOut: { enabled: false, listed: 1, inFlight: 0, roomPerPrimary: 4 },
      scaleIn: {
        enabled: false,
        cooldownSeconds: expect.any(Number),
        stableForSeconds: expect.any(Number),
        destroy: expect.any(String),
        firing: [],
        atMinimum: false,
        notKnown: [],
      },
    });
    // Its own budget applies to it, the other primary's does not.
    expect(view.budgets.map((line) => line.budget)).toContain(`budgets.perPrimary.${GLOBBED}`);
    expect(view.budgets.map((line) => line.budget)).not.toContain(`budgets.perPrimary.${PRIMARY}`);
  });

  it('shows a primary no policy entry names with no entry, a minimum of 0 and no budgets where the policy has none', async () => {
    const bare = parsePolicy(
      `
version: 1
regions: [ap-beijing]
specs: [pg.it.small2]
limits: { maxStorage: 2000, maxInstanceCount: 3, maxReplicasPerPrimary: 5, prepaidAllowed: false }
primaries:
  ${PRIMARY}: {}
`,
      'yaml',
      'bare.yaml',
    );
    const record = recordOf('postgres-unnamed');
    const { deps } = await setUp([record], []);

    const view = await fleetView('postgres-unnamed', { ...deps, policy: bare });

    expect(view.policy).not.toHaveProperty('entry');
    expect(view.policy).toMatchObject({ minReplicas: 0, scaleIn: { enabled: false, atMinimum: false } });
    expect(view.budgets).toEqual([]);
  });

  it('reports the scale-in candidacy, the alerts firing, the last step and why the last candidacy ended', async () => {
    const { deps, store } = await setUp([ready('pgro-aaaa0001')], [listed('pgro-aaaa0001')]);
    await store.putFleetState(
      {
        primaryId: PRIMARY,
        version: 1,
        epoch: 3,
        lastFiredAt: '2026-12-07T09:00:00.000Z',
        firing: { 'fp-1': { at: '2026-12-07T09:00:00.000Z', alertName: 'PostgresHighCPU' } },
        candidate: {
          epoch: 3,
          since: '2026-12-07T08:00:00.000Z',
          source: 'alertmanager',
          alertName: 'PostgresHighConnections',
        },
        lastScaleIn: {
          at: '2026-12-07T07:00:00.000Z',
          requestId: 'r-00000000000000c3',
          epoch: 2,
          since: '2026-12-07T06:00:00.000Z',
        },
        ended: { at: '2026-12-07T06:30:00.000Z', reason: 'at the minimum' },
      },
      0,
    );

    const view = await fleetView(PRIMARY, deps);

    expect(view.policy.scaleIn).toMatchObject({
      candidate: { since: '2026-12-07T08:00:00.000Z', alertName: 'PostgresHighConnections', step: 3 },
      lastFiredAt: '2026-12-07T09:00:00.000Z',
      firing: ['PostgresHighCPU'],
      lastScaleIn: { at: '2026-12-07T07:00:00.000Z', requestId: 'r-00000000000000c3' },
      ended: { at: '2026-12-07T06:30:00.000Z', reason: 'at the minimum' },
      // One READY replica and minReplicas 1: the minimum forbids removing it.
      atMinimum: true,
    });
  });
});
