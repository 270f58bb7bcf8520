import { describe, expect, it } from 'vitest';
import {
  INSTANT_TIMINGS,
  type SdkError,
  sdkClient,
  seedCreateRequest,
  useEmulator,
} from '#emulator-test/support/emulator-fixture.ts';
import { control, signedPost } from '#emulator-test/support/raw-request.ts';

const emu = useEmulator({ timings: INSTANT_TIMINGS });

describe('control API /_emulator/', () => {
  it('lists every instance ever created with its owner, order and timestamps', async () => {
    const res = await sdkClient(emu.current).CreateReadOnlyDBInstance(
      seedCreateRequest({ Name: 'rf-1', Tags: [{ TagKey: 'request', TagValue: 'r-1' }] }),
    );

    const { status, json } = await control(emu.current, 'GET', '/instances');

    expect(status).toBe(200);
    expect(json.instances).toEqual([
      expect.objectContaining({
        id: res.DBInstanceIdSet?.[0],
        primaryId: 'postgres-abcdef',
        name: 'rf-1',
        tags: [{ TagKey: 'request', TagValue: 'r-1' }],
        status: 'running',
        dealName: res.DealNames?.[0],
        secretId: emu.current.credentials.secretId,
        createdAt: expect.any(Number),
        runningAt: expect.any(Number),
      }),
    ]);
  });

  it('counts calls per action and per outcome', async () => {
    await sdkClient(emu.current).DescribeZones({});
    await sdkClient(emu.current).DescribeZones({});
    await sdkClient(emu.current)
      .DescribeDBInstanceAttribute({ DBInstanceId: 'postgres-x' })
      .catch(() => undefined);

    const { json } = await control(emu.current, 'GET', '/calls');

    expect(json).toEqual({
      total: 3,
      byAction: {
        DescribeZones: { total: 2, outcomes: { ok: 2 } },
        DescribeDBInstanceAttribute: { total: 1, outcomes: { 'ResourceNotFound.InstanceNotFoundError': 1 } },
      },
    });
  });

  it('counts calls refused before dispatch under the action they named', async () => {
    await signedPost(emu.current, { action: 'DescribeZones', version: '1999-01-01' });

    const { json } = await control(emu.current, 'GET', '/calls');

    expect(json.byAction).toEqual({ DescribeZones: { total: 1, outcomes: { NoSuchVersion: 1 } } });
  });

  it('resets to the loaded world: no instances, calls or faults', async () => {
    await sdkClient(emu.current).CreateReadOnlyDBInstance(seedCreateRequest());
    await control(emu.current, 'POST', '/faults', {
      rules: [{ action: '*', kind: 'InternalError', probability: 1 }],
    });

    const reset = await control(emu.current, 'POST', '/reset');
    const zones = await sdkClient(emu.current).DescribeZones({});

    expect(reset.status).toBe(200);
    expect(emu.current.instances()).toEqual([]);
    expect(zones.TotalCount).toBeGreaterThan(0);
    expect((await control(emu.current, 'GET', '/calls')).json.total).toBe(1);
  });

  it('adds faults with POST, shows them with GET and removes them with DELETE', async () => {
    const added = await control(emu.current, 'POST', '/faults', {
      seed: 7,
      rules: [{ action: 'CreateReadOnlyDBInstance', sequence: ['HTTP502', 'ok'] }],
    });
    const failed = await sdkClient(emu.current)
      .CreateReadOnlyDBInstance(seedCreateRequest())
      .catch((error: SdkError) => error);
    const shown = await control(emu.current, 'GET', '/faults');
    const removed = await control(emu.current, 'DELETE', '/faults');

    expect(added.status).toBe(200);
    expect(failed).toMatchObject({ httpCode: 502 });
    expect(shown.json).toMatchObject({
      seed: 7,
      rules: [{ remaining: 1 }],
      injected: { byKind: { HTTP502: 1 } },
    });
    expect(removed.json.rules).toEqual([]);
  });

  it('changes timings with POST /timings', async () => {
    const { status, json } = await control(emu.current, 'POST', '/timings', { applyingMs: 5000 });

    expect(status).toBe(200);
    expect(json).toMatchObject({ applyingMs: 5000, initingMs: 0 });
    expect(emu.current.timings().applyingMs).toBe(5000);
  });

  it.each([
    [
      '/faults',
      { rules: [{ action: 'CreateReadOnlyDBInstance', kind: 'Meteor', probability: 1 }] },
      'rules.0.kind',
    ],
    [
      '/faults',
      { rules: [{ action: 'CreateReadOnlyDBInstance', kind: 'InternalError', probability: 2 }] },
      'rules.0.probability',
    ],
    ['/faults', { rules: [{ action: 'CreateReadOnlyDBInstance' }] }, 'rules.0.sequence'],
    ['/faults', { rulez: [] }, '(body)'],
    ['/timings', { applyingMs: -1 }, 'applyingMs'],
    ['/timings', { applyingMs: '1s' }, 'applyingMs'],
    ['/rate-limits', { limits: { CreateReadOnlyDBInstance: 0 } }, 'limits.CreateReadOnlyDBInstance'],
    ['/rate-limits', { enabled: 'no' }, 'enabled'],
  ])('answers 400 naming the field for POST %s %j', async (path, body, field) => {
    const { status, json } = await control(emu.current, 'POST', path, body);

    expect(status).toBe(400);
    expect(json.error).toContain(field);
    expect(json.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
  });

  it('answers 400 for a body that is not JSON', async () => {
    const { status, json } = await control(emu.current, 'POST', '/timings', '{oops');

    expect(status).toBe(400);
    expect(json.error).toMatch(/not valid JSON/);
  });

  it('answers 404 for an unknown route and 405 for a wrong method', async () => {
    const missing = await control(emu.current, 'GET', '/nothing');
    const wrongMethod = await control(emu.current, 'DELETE', '/instances');

    expect(missing.status).toBe(404);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json.error).toContain('GET');
  });

  it('shows the loaded world and the rate limits in force', async () => {
    const world = await control(emu.current, 'GET', '/world');
    const limits = await control(emu.current, 'GET', '/rate-limits');

    expect(world.json.primaries).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'postgres-abcdef' })]),
    );
    expect(limits.json).toMatchObject({
      enabled: true,
      limits: { CreateReadOnlyDBInstance: 100, DescribeOrders: 1000, InquiryPriceCreateDBInstances: 20 },
    });
  });
});
