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
