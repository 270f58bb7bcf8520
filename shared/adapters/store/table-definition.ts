import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { ConfigError } from '#shared/errors.ts';

/**
 * The one table (DESIGN.md, "Request record"). `serverless.yml` mirrors this definition:
 *
 * | item            | pk                      | sk        | notes                                     |
 * |-----------------|-------------------------|-----------|-------------------------------------------|
 * | request record  | `REQUEST#<requestId>`   | `REQUEST` | in the `inflight` index while work is left |
 * | named lock      | `LOCK#<name>`           | `LOCK`    | `owner`, `until`, `untilMs`                |
 * | marker          | `MARKER#<name>`         | `MARKER`  | `value`, `until`, `untilMs` (cooldowns)    |
 * | fleet state     | `FLEET`                 | `PRIMARY#<id>` | `state`, `version` (scale-in; one partition, read whole) |
 *
 * - `inflight` GSI: partition `inflightShard` (S), sort `inflightSince` (S, ISO-8601), projection ALL.
 *   Sparse: only items carrying both attributes are in it, so the poller reads the work in flight
 *   and never the history.
 * - `spend` GSI: partition `spendPartition` (S, always `ACTIVE`), sort `spendKey` (S, the request
 *   id), projection ALL. Sparse: only records in a state of `ACTIVE_SPEND_STATES` (`budget.ts`:
 *   READY and the in-flight creates) carry them, so budgets read the running fleet and nothing else.
 * - TTL attribute `expiresAt` (epoch seconds). On-demand billing.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  inflightIndex: {
    name: 'inflight',
    partitionKey: 'inflightShard',
    sortKey: 'inflightSince',
  },
  spendIndex: {
    name: 'spend',
    partitionKey: 'spendPartition',
    sortKey: 'spendKey',
    /** The one partition: the running fleet is small (replicas, not requests). */
    partition: 'ACTIVE',
  },
} as const;

export const KEY_PREFIX = { request: 'REQUEST#', lock: 'LOCK#', marker: 'MARKER#' } as const;
/** Every fleet state lives in this one partition (sort key `PRIMARY#<id>`), so one Query lists them. */
export const FLEET_PARTITION = 'FLEET';
export const SORT_KEY = { request: 'REQUEST', lock: 'LOCK', marker: 'MARKER' } as const;

export const requestKey = (requestId: string) => ({
  [TABLE.partitionKey]: `${KEY_PREFIX.request}${requestId}`,
  [TABLE.sortKey]: SORT_KEY.request,
});
export const lockKey = (name: string) => ({
  [TABLE.partitionKey]: `${KEY_PREFIX.lock}${name}`,
  [TABLE.sortKey]: SORT_KEY.lock,
});
export const fleetStateKey = (primaryId: string) => ({
  [TABLE.partitionKey]: FLEET_PARTITION,
  [TABLE.sortKey]: `PRIMARY#${primaryId}`,
});
export const markerKey = (name: string) => ({
  [TABLE.partitionKey]: `${KEY_PREFIX.marker}${name}`,
  [TABLE.sortKey]: SORT_KEY.marker,
});

/** Input for `CreateTableCommand`; `serverless.yml` declares the same resource. */
export const createTableInput = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
    { AttributeName: TABLE.sortKey, AttributeType: 'S' },
    { AttributeName: TABLE.inflightIndex.partitionKey, AttributeType: 'S' },
    { AttributeName: TABLE.inflightIndex.sortKey, AttributeType: 'S' },
    { AttributeName: TABLE.spendIndex.partitionKey, AttributeType: 'S' },
    { AttributeName: TABLE.spendIndex.sortKey, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
    { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: TABLE.inflightIndex.name,
      KeySchema: [
        { AttributeName: TABLE.inflightIndex.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.inflightIndex.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
    {
      IndexName: TABLE.spendIndex.name,
      KeySchema: [
        { AttributeName: TABLE.spendIndex.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.spendIndex.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
});

export interface EnsureTableResult {
  readonly created: boolean;
  /** `unsupported` where the server has no UpdateTimeToLive (dynalite): expired items then stay. */
  readonly ttl: 'enabled' | 'unsupported';
}

/**
 * Creates the table if it is missing, waits until it is ACTIVE and enables TTL. An existing table
 * whose keys or `inflight` index differ from the definition is refused with a `ConfigError`.
 */
export const ensureTable = async (
  client: DynamoDBClient,
  tableName: string,
  options: { readonly maxWaitSeconds?: number } = {},
): Promise<EnsureTableResult> => {
  let created = false;
  let table = await describeTable(client, tableName);
  if (table === undefined) {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
      created = true;
    } catch (error) {
      // Another process created it between our describe and our create: fine, wait for it.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  if (table?.TableStatus !== 'ACTIVE') {
    await waitUntilTableExists(
      { client, maxWaitTime: options.maxWaitSeconds ?? 120, minDelay: 1, maxDelay: 5 },
      { TableName: tableName },
    );
    table = await describeTable(client, tableName);
  }
  assertMatchesDefinition(tableName, table);
  return { created, ttl: await enableTtl(client, tableName) };
};

const describeTable = async (client: DynamoDBClient, tableName: string) => {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};

const assertMatchesDefinition = (tableName: string, table: TableDescription | undefined): void => {
  const expected = createTableInput(tableName);
  const keys = (schema: { AttributeName?: string; KeyType?: string }[] | undefined) =>
    JSON.stringify((schema ?? []).map((key) => [key.AttributeName, key.KeyType]));
  const indexMatches = (expectedIndex: {
    IndexName?: string;
    KeySchema?: { AttributeName?: string; KeyType?: string }[];
  }) => {
    const index = table?.GlobalSecondaryIndexes?.find((gsi) => gsi.IndexName === expectedIndex.IndexName);
    return (
      index !== undefined &&
      keys(index.KeySchema) === keys(expectedIndex.KeySchema) &&
      index.Projection?.ProjectionType === 'ALL'
    );
  };
  if (
    keys(table?.KeySchema) !== keys(expected.KeySchema) ||
    !(expected.GlobalSecondaryIndexes ?? []).every(indexMatches)
  ) {
    throw new ConfigError(
      `Table ${tableName} exists but does not match the replica-flow definition ` +
        `(keys ${TABLE.partitionKey}/${TABLE.sortKey}, indexes ${TABLE.inflightIndex.name} and ${TABLE.spendIndex.name} with projection ALL); ` +
        `a local data folder written before the ${TABLE.spendIndex.name} index existed needs a fresh --data-dir`,
    );
  }
};

const enableTtl = async (client: DynamoDBClient, tableName: string): Promise<EnsureTableResult['ttl']> => {
  try {
    const { TimeToLiveDescription: ttl } = await client.send(
      new DescribeTimeToLiveCommand({ TableName: tableName }),
    );
    if (ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING') return 'enabled';
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      }),
    );
    return 'enabled';
  } catch (error) {
    if (isUnsupportedOperation(error)) return 'unsupported';
    throw error;
  }
};

/** dynalite answers operations it does not implement with `UnknownOperationException`. */
const isUnsupportedOperation = (error: unknown): boolean =>
  error instanceof Error && error.name === 'UnknownOperationException';
