import { randomUUID } from 'node:crypto';
import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { EMULATOR_CREDENTIALS } from '@replica-flow/tencent-emulator/credentials.ts';
import { POSTPAID_PRIMARY, PREPAID_PRIMARY } from '#local/bench/bench-stack.ts';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { LOCAL_DYNAMO_CLIENT_CONFIG } from '#local/stack/dynalite-server.ts';
import type { LocalStack } from '#local/stack/local-stack.ts';
import { DEFAULT_RETENTION_SECONDS } from '#shared/adapters/store/dynamo-request-store.ts';
import { toItem } from '#shared/adapters/store/request-item.ts';
import { createTencentPostgres } from '#shared/adapters/tencent/tencent-postgres-client.ts';
import { DEFAULT_DEPLOYMENT } from '#shared/domain/deployment-identity.ts';
import { instanceNameFor, requestIdFor } from '#shared/domain/idempotency.ts';
import { parseReplicaPlan } from '#shared/domain/replica-plan.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { parseStoredRequest } from '#shared/domain/stored-request.ts';
import { createRequestParams } from '#shared/use-cases/create-request-params.ts';
import { chunk } from '#shared/util/chunk.ts';

const { DBVersion: _deprecated, ...seedFields } = SEED_EXAMPLE_REQUEST;

const planFor = (primary: string) =>
  parseReplicaPlan({
    ...seedFields,
    ReadOnlyGroupId: undefined,
    MasterDBInstanceId: primary,
    InstanceChargeType: primary === PREPAID_PRIMARY ? 'PREPAID' : 'POSTPAID_BY_HOUR',
  });

const recordBase = (key: string, at: string) => {
  const request = parseStoredRequest({
    ...SEED_EXAMPLE_REQUEST,
    idempotencyKey: key,
    requester: { source: 'api', identity: 'bench' },
  });
  return {
    requestId: requestIdFor('api:bench', key),
    idempotencyKey: key,
    payloadHash: 'bench',
    version: 1,
    request,
    requester: request.requester,
    createdAt: at,
    updatedAt: at,
  };
};

/** Runs `work` over `items`, at most `concurrency` at a time. */
export const forEachLimited = async <T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<unknown>,
): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index] as T, index);
      }
    }),
  );
};

export interface InFlightSeed {
  /** Requests recorded SUBMITTED. */
  readonly count: number;
  /** How many of them are prepaid: their create answer carried no instance ids, only DealNames. */
  readonly prepaid: number;
  /** Real replicas in the emulator (the poller finds them) or made-up instance ids (it finds nothing). */
  readonly replicas: 'real' | 'made-up';
}

/**
 * Records `count` requests as SUBMITTED, as `create` would have: with real replicas, each one's
 * CreateReadOnlyDBInstance is made here (through a client without a rate limit), prepaid ones
 * keeping only their DealNames so the poller resolves them with DescribeOrders.
 */
export const seedInFlight = async (stack: LocalStack, seed: InFlightSeed): Promise<void> => {
  const emulator = stack.emulator;
  const tencent =
    seed.replicas === 'real' && emulator
      ? createTencentPostgres({
          credentials: EMULATOR_CREDENTIALS,
          endpoint: emulator.endpoint,
          protocol: 'http://',
        })
      : undefined;
  const runId = randomUUID().slice(0, 8);
  const deadline = new Date(Date.now() + 24 * 3600_000).toISOString();
  await forEachLimited(
    Array.from({ length: seed.count }, (_, index) => index),
    25,
    async (index) => {
      const primary = index < seed.prepaid ? PREPAID_PRIMARY : POSTPAID_PRIMARY;
      const plan = planFor(primary);
      const at = new Date().toISOString();
      const base = recordBase(`bench-inflight-${runId}-${index}`, at);
      const instanceName = instanceNameFor(base.requestId);
      let dealNames = [`bench${runId}${index}`];
      let instanceIds = [`pgro-b${String(index).padStart(7, '0')}`];
      if (tencent) {
        const answer = await tencent.createReadOnlyDBInstance(
          plan.Region,
          createRequestParams(plan, base.requestId, instanceName, DEFAULT_DEPLOYMENT),
        );
        dealNames = answer.DealNames ?? [];
        instanceIds = answer.DBInstanceIdSet ?? [];
      }
      await stack.dependencies.store.putNew({
        ...base,
        state: 'SUBMITTED',
        plan,
        creation: {
          attempt: 1,
          startedAt: at,
          instanceName,
          dealNames,
          instanceIds,
          submittedAt: at,
          source: 'create-response',
        },
        deadline,
        history: [{ state: 'SUBMITTED', at, note: 'seeded by the bench' }],
      });
    },
  );
};

/** Writes `count` finished (READY, notification delivered) requests straight into the table, 25 a call. */
export const seedFinished = async (stack: LocalStack, count: number): Promise<void> => {
  const client = new DynamoDBClient({ ...LOCAL_DYNAMO_CLIENT_CONFIG, endpoint: stack.dynamoUrl });
  const runId = randomUUID().slice(0, 8);
  const plan = planFor(POSTPAID_PRIMARY);
  const at = new Date(Date.now() - 3600_000).toISOString();
  const options = { retentionSeconds: DEFAULT_RETENTION_SECONDS, inflightShards: 1 };
  const records = Array.from({ length: count }, (_, index): RequestRecord => {
    const base = recordBase(`bench-finished-${runId}-${index}`, at);
    return {
      ...base,
      state: 'READY',
      plan,
      creation: {
        attempt: 1,
        startedAt: at,
        instanceName: instanceNameFor(base.requestId),
        dealNames: [`done${runId}${index}`],
        instanceIds: [`pgro-d${String(index).padStart(7, '0')}`],
        submittedAt: at,
        source: 'create-response',
      },
      instances: [{ instanceId: `pgro-d${String(index).padStart(7, '0')}`, status: 'running' }],
      notification: {
        type: 'replica.ready',
        webhookId: `msg_${base.requestId}`,
        status: 'DELIVERED',
        deliveredAt: at,
        attempts: [],
      },
      history: [
        { state: 'SUBMITTED', at },
        { state: 'READY', at },
      ],
    };
  });
  try {
    await forEachLimited(chunk(records, 25), 4, async (batch) => {
      let requests = batch.map((record) => ({
        PutRequest: { Item: marshall(toItem(record, options), { removeUndefinedValues: true }) },
      }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await client.send(
          new BatchWriteItemCommand({ RequestItems: { 'replica-flow': requests } }),
        );
        requests = (UnprocessedItems?.['replica-flow'] ?? []) as typeof requests;
      }
    });
  } finally {
    client.destroy();
  }
};
