import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { DBInstance } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '#shared/domain/policy-loader.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { parseApiKeys } from '#shared/http/api-keys.ts';
import { fleetOverviewRoute, fleetRoute } from '#shared/ingress/api/fleet-route.ts';
import { type FleetView, fleetOverview, MAX_FLEET_PRIMARIES } from '#shared/use-cases/fleet-view.ts';
import { requestRecord } from '#test/fixtures/request-records.ts';
import { answerOf } from '#test/support/api-harness.ts';
import { fixedClock } from '#test/support/fixed-clock.ts';
import { httpEvent } from '#test/support/http-event.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import { describeFrom, ScriptedTencent } from '#test/support/scripted-tencent.ts';

const PRIMARY = 'postgres-abcdef';
const NOW = new Date('2026-12-07T12:00:00.000Z');
const SUBMITTER = 'submitter-key-0123456789';
const READER = 'reader-key-01234567890123';
const KEYS = parseApiKeys([`orders:${SUBMITTER}`, `audit:${READER}:reader`].join(','));

const POLICY = parsePolicy(
  `
version: 1
regions: [ap-beijing, ap-chengdu]
specs: [pg.it.small2]
limits: { maxStorage: 2000, maxInstanceCount: 3, maxReplicasPerPrimary: 5, prepaidAllowed: false }
primaries:
  ${PRIMARY}:
    defaults: { Region: ap-beijing }
  postgres-zz000001:
    defaults: { Region: ap-beijing }
  postgres-*: {}
`,
  'yaml',
  'fleet-routes.yaml',
);

/** A READY replica of `primaryId`. */
const readyOf = (primaryId: string, instanceId: string): RequestRecord =>
  requestRecord({
    state: 'READY',
    instances: [{ instanceId, status: 'running' }],
    request: { ...requestRecord().request, MasterDBInstanceId: primaryId },
  });

const harness = async (records: readonly RequestRecord[] = []) => {
  const store = new InMemoryStore();
  for (const record of records) await store.putNew(record);
  const tencent = new ScriptedTencent().otherwise(
    'describeDBInstances',
    describeFrom([{ DBInstanceId: PRIMARY, ReadOnlyInstanceNum: 1 } as DBInstance]),
  );
  const deps = {
    store,
    tencent,
    clock: fixedClock(NOW),
    policy: POLICY,
    apiKeys: KEYS,
    settings: { deployment: 'replica-flow-routes' },
  };
  return { store, tencent, deps };
};

const fleetEvent = (
  apiKey: string,
  id: string | undefined,
  query?: Record<string, string>,
): APIGatewayProxyEventV2 => ({
  ...httpEvent({
    method: 'GET',
    path: `/v1/primaries/${id}/replicas`,
    routeKey: 'GET /v1/primaries/{id}/replicas',
    headers: { authorization: `Bearer ${apiKey}` },
    ...(id === undefined ? {} : { pathParameters: { id } }),
  }),
  ...(query ? { queryStringParameters: query } : {}),
});

const overviewEvent = (apiKey: string) =>
  httpEvent({ method: 'GET', path: '/v1/fleet', headers: { authorization: `Bearer ${apiKey}` } });

describe('fleetOverview', () => {
  it('views every primary with active records and every primary the policy names exactly, in name order', async () => {
    const { deps } = await harness([
      readyOf('postgres-mm000001', 'pgro-mm000001'),
      readyOf(PRIMARY, 'pgro-aa000001'),
      requestRecord({
        state: 'FAILED',
        request: { ...requestRecord().request, MasterDBInstanceId: 'postgres-failed01' },
      }),
    ]);

    const overview = await fleetOverview(deps);

    expect(overview.truncated).toBe(false);
    expect(overview.primaries.map((view) => view.primaryId)).toEqual([
      PRIMARY,
      'postgres-mm000001',
      'postgres-zz000001',
    ]);
    expect(overview.primaries[1]?.replicas.map((line) => line.instanceId)).toEqual(['pgro-mm000001']);
    expect(overview.primaries[2]?.replicas).toEqual([]);
  });

  it(`views at most ${MAX_FLEET_PRIMARIES} primaries and says the answer is truncated`, async () => {
    const records = Array.from({ length: MAX_FLEET_PRIMARIES }, (_, index) =>
      readyOf(`postgres-p${String(index).padStart(7, '0')}`, `pgro-${String(index).padStart(8, '0')}`),
    );
    const { deps, store } = await harness(records);
    let reads = 0;
    const listActiveSpend = store.listActiveSpend.bind(store);
    store.listActiveSpend = async () => {
      reads += 1;
      return listActiveSpend();
    };

    const overview = await fleetOverview(deps);

    // 50 with records + 2 named in the policy: the first 50 by name.
    expect(overview.truncated).toBe(true);
    expect(overview.primaries).toHaveLength(MAX_FLEET_PRIMARIES);
    expect(overview.primaries[0]?.primaryId).toBe(PRIMARY);
    expect(overview.primaries.map((view) => view.primaryId)).not.toContain('postgres-zz000001');
    // The active records are read once for the whole overview, not once per primary.
    expect(reads).toBe(1);
  });
});

describe('GET /v1/primaries/{id}/replicas', () => {
  it('answers a reader key with the primary’s view in this deployment', async () => {
    const { deps } = await harness([readyOf(PRIMARY, 'pgro-aa000001')]);

    const answer = await answerOf(() => fleetRoute(deps)(fleetEvent(READER, PRIMARY)));

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      primaryId: PRIMARY,
      region: 'ap-beijing',
      deployment: 'replica-flow-routes',
      tencent: { checked: true },
      replicas: [expect.objectContaining({ instanceId: 'pgro-aa000001', tencentStatus: 'not listed' })],
    });
  });

  it('asks Tencent in the ?region= given', async () => {
    const { deps, tencent } = await harness();

    const answer = await answerOf(() =>
      fleetRoute(deps)(fleetEvent(READER, PRIMARY, { region: 'ap-chengdu' })),
    );

    expect(answer.status).toBe(200);
    expect((answer.body as unknown as FleetView).region).toBe('ap-chengdu');
    expect(tencent.callsOf('describeReadOnlyGroups').map((call) => call.region)).toEqual(['ap-chengdu']);
  });

  it('refuses a submitter key with 403 naming the key and its role, and asks Tencent nothing', async () => {
    const { deps, tencent } = await harness();

    const answer = await answerOf(() => fleetRoute(deps)(fleetEvent(SUBMITTER, PRIMARY)));

    expect(answer.status).toBe(403);
    expect(JSON.stringify(answer.body)).toContain('API key orders (role submitter) may not see the fleet');
    expect(tencent.calls).toEqual([]);
  });

  it.each([
    ['a primary id that is not one', 'mysql-1', undefined, 'MasterDBInstanceId'],
    ['no primary id at all', undefined, undefined, 'MasterDBInstanceId'],
    ['a region that is not one', PRIMARY, { region: 'mars 1' }, 'Region'],
  ])('answers %s with 400 naming the field', async (_name, id, query, field) => {
    const { deps, tencent } = await harness();

    const answer = await answerOf(() => fleetRoute(deps)(fleetEvent(READER, id, query)));

    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain(field);
    expect(tencent.calls).toEqual([]);
  });
});

describe('GET /v1/fleet', () => {
  it('answers a reader key with every primary’s view', async () => {
    const { deps } = await harness([readyOf('postgres-mm000001', 'pgro-mm000001')]);

    const answer = await answerOf(() => fleetOverviewRoute(deps)(overviewEvent(READER)));

    expect(answer.status).toBe(200);
    expect(answer.body.truncated).toBe(false);
    expect((answer.body.primaries as FleetView[]).map((view) => [view.primaryId, view.deployment])).toEqual([
      [PRIMARY, 'replica-flow-routes'],
      ['postgres-mm000001', 'replica-flow-routes'],
      ['postgres-zz000001', 'replica-flow-routes'],
    ]);
  });

  it('refuses a submitter key with 403', async () => {
    const { deps, store } = await harness();
    let reads = 0;
    store.listActiveSpend = async () => {
      reads += 1;
      return [];
    };

    const answer = await answerOf(() => fleetOverviewRoute(deps)(overviewEvent(SUBMITTER)));

    expect(answer.status).toBe(403);
    expect(reads).toBe(0);
  });
});
