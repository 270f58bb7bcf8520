import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { EMULATOR_CREDENTIALS } from '@replica-flow/tencent-emulator/credentials.ts';
import { type RunningEmulator, startEmulator } from '@replica-flow/tencent-emulator/server.ts';
import type { CreateReadOnlyDBInstanceRequest } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import { observeTencentCalls } from '#shared/adapters/tencent/tencent-call-telemetry.ts';
import {
  CREATE_CONNECTION_IDLE_MS,
  createTencentPostgres,
} from '#shared/adapters/tencent/tencent-postgres-client.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import { noTracing, type Tracing } from '#shared/ports/tracing.ts';
import { recordingMetrics } from '#test/support/recording-metrics.ts';

const REGION = 'ap-beijing';
const TIMEOUT_SECONDS = 1;

/** A replica of the default world's primary, postpaid like it. */
const replicaOfPrimary = (name: string): CreateReadOnlyDBInstanceRequest => ({
  Zone: 'ap-beijing-4',
  MasterDBInstanceId: 'postgres-abcdef',
  SpecCode: 'pg.it.small2',
  Storage: 100,
  InstanceCount: 1,
  Period: 1,
  InstanceChargeType: 'POSTPAID_BY_HOUR',
  VpcId: 'vpc-8btfafeo',
  SubnetId: 'subnet-1i9huswn',
  SecurityGroupIds: ['sg-iwnfp51z'],
  Name: name,
  Tags: [{ TagKey: 'replica-flow:request-id', TagValue: name }],
});

let emulator: RunningEmulator;
let tencent: TencentPostgres;

/** The emulator's control API, as any other client would drive it. */
const control = async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> => {
  const response = await fetch(`${emulator.url}/_emulator/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!response.ok)
    throw new Error(`emulator control ${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
};

/** The next create call meets this fault; later calls are answered normally. */
const failNextCreate = (fault: string, extra: Record<string, unknown> = {}) =>
  control('POST', 'faults', { rules: [{ action: 'CreateReadOnlyDBInstance', sequence: [fault], ...extra }] });

const createdReplicas = async (name: string) => {
  const { instances } = (await control('GET', 'instances')) as { instances: { id: string; name: string }[] };
  return instances.filter((instance) => instance.name === name);
};

/** Resolves with the TencentApiError the call was translated into; fails the test on anything else. */
const failureOf = async (call: Promise<unknown>): Promise<TencentApiError> => {
  const error = await call.then(
    () => expect.fail('expected the call to fail'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TencentApiError);
  return error as TencentApiError;
};

/** A port nothing listens on: a proxy there refuses every connection. */
const deadPort = async (): Promise<number> => {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
};

beforeAll(async () => {
  emulator = await startEmulator();
  tencent = createTencentPostgres({
    credentials: EMULATOR_CREDENTIALS,
    endpoint: emulator.endpoint,
    protocol: 'http://',
    timeoutSeconds: TIMEOUT_SECONDS,
    language: 'en-US',
  });
});

beforeEach(async () => {
  await control('POST', 'reset');
});

afterAll(async () => {
  await emulator?.close();
});

/** A TCP proxy to the emulator that counts the connections clients open through it. */
const countingProxy = async () => {
  let connections = 0;
  const server = createServer((client) => {
    connections += 1;
    const upstream = connect(emulator.port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `127.0.0.1:${(server.address() as { port: number }).port}`,
    connections: () => connections,
    close: () => {
      server.close();
    },
  };
};

describe('createTencentPostgres against the Tencent emulator', () => {
  it('reuses a create connection within a burst, and never one idle for longer than a second', async () => {
    const proxy = await countingProxy();
    try {
      const client = createTencentPostgres({
        credentials: EMULATOR_CREDENTIALS,
        endpoint: proxy.endpoint,
        protocol: 'http://',
        timeoutSeconds: TIMEOUT_SECONDS,
      });
      for (const name of ['rf-burst-1', 'rf-burst-2', 'rf-burst-3']) {
        await client.createReadOnlyDBInstance(REGION, replicaOfPrimary(name));
      }
      expect(proxy.connections()).toBe(1);

      await sleep(CREATE_CONNECTION_IDLE_MS + 300);
      await client.createReadOnlyDBInstance(REGION, replicaOfPrimary('rf-after-pause'));
      expect(proxy.connections()).toBe(2);
      expect(await createdReplicas('rf-after-pause')).toHaveLength(1);
    } finally {
      proxy.close();
    }
  });

  it('creates a replica through the real SDK and returns its DealNames', async () => {
    const response = await tencent.createReadOnlyDBInstance(REGION, replicaOfPrimary('rf-create-ok'));

    expect(response.DealNames).toHaveLength(1);
    expect(response.DealNames?.[0]).toMatch(/^\d+$/);
    expect(response.BillId).toEqual(expect.any(String));
    expect(response.DBInstanceIdSet).toEqual([expect.stringMatching(/^pgro-[a-z0-9]{8}$/)]);
    expect(response.RequestId).toEqual(expect.any(String));
    expect(await createdReplicas('rf-create-ok')).toHaveLength(1);
  });

  it('reads back what it created: DescribeOrders resolves the deal to the instance id', async () => {
    await control('POST', 'timings', { orderVisibleAfterMs: 0, listedAfterMs: 0 });
    const created = await tencent.createReadOnlyDBInstance(REGION, replicaOfPrimary('rf-orders'));

    const orders = await tencent.describeOrders(REGION, { DealNames: created.DealNames ?? [] });
    const instances = await tencent.describeDBInstances(REGION, {
      Filters: [{ Name: 'db-instance-id', Values: ['postgres-abcdef'] }],
    });

    expect(orders.Deals?.[0]?.DBInstanceIdSet).toEqual(created.DBInstanceIdSet);
    expect(instances.DBInstanceSet?.[0]?.DBInstanceId).toBe('postgres-abcdef');
  });

  it('turns a business error into kind business with the Tencent code and RequestId', async () => {
    const error = await failureOf(
      tencent.createReadOnlyDBInstance(REGION, { ...replicaOfPrimary('rf-bad-zone'), Zone: 'ap-beijing-9' }),
    );

    expect(error).toMatchObject({
      action: 'CreateReadOnlyDBInstance',
      kind: 'business',
      code: 'TENCENT_REJECTED',
      tencentCode: 'InvalidParameterValue.IllegalZone',
      tencentRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      httpStatus: undefined,
      retryable: false,
    });
    expect(await createdReplicas('rf-bad-zone')).toHaveLength(0);
  });

  it('reports a key the API does not know as a business AuthFailure', async () => {
    const stranger = createTencentPostgres({
      credentials: { secretId: 'AKIDnotAKeyTheEmulatorKnows000000000', secretKey: 'x'.repeat(32) },
      endpoint: emulator.endpoint,
      protocol: 'http://',
    });

    const error = await failureOf(stranger.describeZones(REGION, {}));

    expect(error).toMatchObject({ kind: 'business', tencentCode: expect.stringMatching(/^AuthFailure\./) });
  });

  it('turns an injected RequestLimitExceeded into kind throttled, retryable even for the create', async () => {
    await failNextCreate('RequestLimitExceeded');

    const error = await failureOf(tencent.createReadOnlyDBInstance(REGION, replicaOfPrimary('rf-throttled')));

    expect(error).toMatchObject({ kind: 'throttled', tencentCode: 'RequestLimitExceeded', retryable: true });
    expect(error.tencentRequestId).toEqual(expect.any(String));
    expect(await createdReplicas('rf-throttled')).toHaveLength(0);
  });

  it('turns a 502 from the gateway into kind ambiguous with the HTTP status', async () => {
    await failNextCreate('HTTP502');

    const error = await failureOf(tencent.createReadOnlyDBInstance(REGION, replicaOfPrimary('rf-502')));

    expect(error).toMatchObject({ kind: 'ambiguous', httpStatus: 502, retryable: false });
    expect(error.tencentCode).toBeUndefined();
  });

  it('turns a timeout into kind ambiguous: the create went through although the caller saw nothing', async () => {
    await failNextCreate('Delay', { delayMs: TIMEOUT_SECONDS * 1000 + 1500 });
    const started = performance.now();

    const error = await failureOf(tencent.createReadOnlyDBInstance(REGION, replicaOfPrimary('rf-timeout')));

    expect(performance.now() - started).toBeLessThan(TIMEOUT_SECONDS * 1000 + 1000);
    expect(error).toMatchObject({ kind: 'ambiguous', retryable: false });
    expect(error.message).toContain('network timeout at:');
    expect(await createdReplicas('rf-timeout')).toHaveLength(1);
  });

  it('turns a response lost after the commit into kind ambiguous', async () => {
    await failNextCreate('LostResponse');

    const error = await failureOf(tencent.createReadOnlyDBInstance(REGION, replicaOfPrimary('rf-lost')));

    expect(error).toMatchObject({ kind: 'ambiguous', retryable: false, httpStatus: undefined });
    expect(await createdReplicas('rf-lost')).toHaveLength(1);
  });

  it('makes the same transient failures of a read simply retryable', async () => {
    await control('POST', 'faults', {
      rules: [{ action: 'DescribeOrders', sequence: ['HTTP504', 'InternalError', 'LostResponse'] }],
    });

    const failures = [
      await failureOf(tencent.describeOrders(REGION, { DealNames: ['1'] })),
      await failureOf(tencent.describeOrders(REGION, { DealNames: ['1'] })),
      await failureOf(tencent.describeOrders(REGION, { DealNames: ['1'] })),
    ];

    expect(failures.map(({ kind, retryable }) => ({ kind, retryable }))).toEqual([
      { kind: 'retryable', retryable: true },
      { kind: 'retryable', retryable: true },
      { kind: 'retryable', retryable: true },
    ]);
    expect(failures.map((failure) => failure.httpStatus ?? failure.tencentCode ?? 'network')).toEqual([
      504,
      'InternalError',
      'network',
    ]);
  });

  it('reaches the emulator directly even when http_proxy points at a dead proxy', async () => {
    const saved = process.env.http_proxy;
    process.env.http_proxy = `http://127.0.0.1:${await deadPort()}`;
    try {
      // A client made while the proxy is set, so nothing was decided before it was.
      const behindProxy = createTencentPostgres({
        credentials: EMULATOR_CREDENTIALS,
        endpoint: emulator.endpoint,
        protocol: 'http://',
        timeoutSeconds: TIMEOUT_SECONDS,
      });

      const created = await behindProxy.createReadOnlyDBInstance(REGION, replicaOfPrimary('rf-proxy'));
      const zones = await behindProxy.describeZones(REGION, {});

      expect(created.DealNames).toHaveLength(1);
      expect(zones.ZoneSet?.length).toBeGreaterThan(0);
    } finally {
      if (saved === undefined) delete process.env.http_proxy;
      else process.env.http_proxy = saved;
    }
  });

  it('serves several regions from one adapter, each call signed for its own region', async () => {
    const [beijing, guangzhou] = await Promise.all([
      tencent.describeZones(REGION, {}),
      tencent.describeZones('ap-guangzhou', {}),
    ]);

    expect(beijing.ZoneSet?.map((zone) => zone.Zone)).toContain('ap-beijing-4');
    expect(beijing.ZoneSet?.every((zone) => zone.Zone?.startsWith('ap-beijing-'))).toBe(true);
    expect(guangzhou.ZoneSet?.length).toBeGreaterThan(0);
    expect(guangzhou.ZoneSet?.every((zone) => zone.Zone?.startsWith('ap-guangzhou-'))).toBe(true);
  });
});

describe('createTencentPostgres observed (metrics and tracing)', () => {
  const observed = () => {
    const recording = recordingMetrics();
    const spans: { name: string; annotations: Readonly<Record<string, string>>; failed: boolean }[] = [];
    const tracing: Tracing = {
      ...noTracing,
      span: async (name, annotations, run) => {
        const span = { name, annotations, failed: false };
        spans.push(span);
        try {
          return await run();
        } catch (error) {
          span.failed = true;
          throw error;
        }
      },
    };
    const client = createTencentPostgres({
      credentials: EMULATOR_CREDENTIALS,
      endpoint: emulator.endpoint,
      protocol: 'http://',
      timeoutSeconds: TIMEOUT_SECONDS,
      catalogCacheMs: 60_000,
      observe: observeTencentCalls({ metrics: recording.metrics, tracing }),
    });
    return { client, spans, ...recording };
  };

  it('counts each call made by action and traces it as a subsegment annotated with the action', async () => {
    const { client, spans, total } = observed();

    await client.describeDBInstances(REGION, {});
    await client.describeDBInstances(REGION, {});
    await client.createReadOnlyDBInstance(REGION, replicaOfPrimary('rf-observed'));

    expect(total('TencentCalls', { action: 'DescribeDBInstances' })).toBe(2);
    expect(total('TencentCalls', { action: 'CreateReadOnlyDBInstance' })).toBe(1);
    expect(spans).toEqual([
      { name: 'Tencent DescribeDBInstances', annotations: { action: 'DescribeDBInstances' }, failed: false },
      { name: 'Tencent DescribeDBInstances', annotations: { action: 'DescribeDBInstances' }, failed: false },
      {
        name: 'Tencent CreateReadOnlyDBInstance',
        annotations: { action: 'CreateReadOnlyDBInstance' },
        failed: false,
      },
    ]);
  });

  it('counts a call refused for rate as a throttle of its action, and marks its subsegment failed', async () => {
    const { client, spans, total } = observed();
    await failNextCreate('RequestLimitExceeded');

    await failureOf(client.createReadOnlyDBInstance(REGION, replicaOfPrimary('rf-observed-throttled')));

    expect(total('TencentCalls', { action: 'CreateReadOnlyDBInstance' })).toBe(1);
    expect(total('TencentThrottles', { action: 'CreateReadOnlyDBInstance' })).toBe(1);
    expect(spans.map((span) => span.failed)).toEqual([true]);
  });

  it('counts no throttle for a failure of another kind', async () => {
    const { client, total } = observed();
    await failNextCreate('HTTP502');

    await failureOf(client.createReadOnlyDBInstance(REGION, replicaOfPrimary('rf-observed-502')));

    expect(total('TencentCalls')).toBe(1);
    expect(total('TencentThrottles')).toBe(0);
  });

  it('counts no call for a catalog answer served from the cache', async () => {
    const { client, total } = observed();

    await client.describeZones(REGION, {});
    await client.describeZones(REGION, {});

    expect(total('TencentCalls', { action: 'DescribeZones' })).toBe(1);
  });
});
