import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand as UpdateItemCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { coalescer, type ItemOutcome } from '#shared/adapters/call-coalescer.ts';
import { ExpressionBuilder } from '#shared/adapters/store/expression-builder.ts';
import { decodeCursor, encodeCursor, type InFlightPosition } from '#shared/adapters/store/inflight-cursor.ts';
import {
  type Change,
  lostRaceMessage,
  type Prior,
  planChange,
  stillExpected,
} from '#shared/adapters/store/request-change.ts';
import {
  type ItemOptions,
  inflightShardName,
  toItem,
  toRecord,
  withoutUndefined,
} from '#shared/adapters/store/request-item.ts';
import { StoreError, toStoreError } from '#shared/adapters/store/store-error.ts';
import {
  FLEET_PARTITION,
  fleetStateKey,
  lockKey,
  markerKey,
  requestKey,
  TABLE,
} from '#shared/adapters/store/table-definition.ts';
import { type FleetState, parseFleetState } from '#shared/domain/fleet-state.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { assertTransition } from '#shared/domain/request-state.ts';
import { ConcurrentUpdateError, ConfigError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { FleetStateStore } from '#shared/ports/fleet-state-store.ts';
import type {
  InFlightPage,
  Marker,
  MarkerStore,
  PutMarkerOptions,
  PutNewResult,
  RequestStore,
  SpendStore,
  TransitionCommand,
  UpdateCommand,
} from '#shared/ports/request-store.ts';

export interface DynamoRequestStoreOptions {
  /** Injected client; default: a `DynamoDBClient` from the environment (`AWS_ENDPOINT_URL_DYNAMODB`, region…). */
  readonly client?: DynamoDBDocumentClient | DynamoDBClient;
  readonly tableName: string;
  /** How long a terminal record is kept (the idempotency window). Default 30 days. */
  readonly retentionSeconds?: number;
  /**
   * Partitions of the in-flight index. Default 1; raise it (never lower it: records in higher
   * shards would be missed until their next write) if in-flight writes outgrow one partition.
   */
  readonly inflightShards?: number;
}

export const DEFAULT_RETENTION_SECONDS = 30 * 24 * 60 * 60;
export const DEFAULT_IN_FLIGHT_PAGE_SIZE = 100;
/** DynamoDB's limit of keys in one BatchGetItem call. */
const MAX_BATCH_GET_KEYS = 100;

/**
 * The request store on one DynamoDB table (see `table-definition.ts`). Every write is a single
 * conditional PutItem/UpdateItem; the store derives the in-flight index attributes and the TTL
 * from the record the write produces, so use cases never set them.
 */
export class DynamoRequestStore implements RequestStore, MarkerStore, SpendStore, FleetStateStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly itemOptions: ItemOptions;
  /** Reads asked for in the same turn go out as one BatchGetItem (`call-coalescer.ts`). */
  private readonly getItem = coalescer<string, Record<string, unknown> | undefined>({
    maxItems: MAX_BATCH_GET_KEYS,
    one: (requestId) => this.getOne(requestId),
    many: (requestIds) => this.getMany(requestIds),
  });

  constructor(options: DynamoRequestStoreOptions) {
    if (!options.tableName) throw new ConfigError('DynamoRequestStore needs a tableName');
    this.tableName = options.tableName;
    this.itemOptions = {
      retentionSeconds: positiveInteger(
        'retentionSeconds',
        options.retentionSeconds,
        DEFAULT_RETENTION_SECONDS,
      ),
      inflightShards: positiveInteger('inflightShards', options.inflightShards, 1),
    };
    const client = options.client ?? new DynamoDBClient({});
    this.doc =
      client instanceof DynamoDBDocumentClient
        ? client
        : DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async putNew(record: RequestRecord): Promise<PutNewResult> {
    const item = toItem(record, this.itemOptions);
    // A record that vanished (TTL) between our failed put and our read is put again, once.
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { created: true, record: toRecord(item) };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) {
          throw toStoreError(error, `putNew of request ${record.requestId}`);
        }
        // DynamoDB returns the existing item with the failure; dynalite does not, so read it.
        const existing = recordOf(error) ?? (await this.get(record.requestId));
        if (existing !== undefined) return { created: false, existing };
      }
    }
    throw new ConcurrentUpdateError(
      record.requestId,
      `Request ${record.requestId} kept changing during putNew`,
    );
  }

  async get(requestId: string): Promise<RequestRecord | undefined> {
    const item = await this.getItem(requestId);
    return item === undefined ? undefined : toRecord(item);
  }

  private async getOne(requestId: string): Promise<Record<string, unknown> | undefined> {
    try {
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: requestKey(requestId), ConsistentRead: true }),
      );
      return Item;
    } catch (error) {
      throw toStoreError(error, `get of request ${requestId}`);
    }
  }

  /**
   * One strongly consistent BatchGetItem for up to 100 reads (a key asked for twice is read once).
   * Keys DynamoDB leaves unprocessed (it throttled part of the call) are read one by one.
   */
  private async getMany(
    requestIds: readonly string[],
  ): Promise<ItemOutcome<Record<string, unknown> | undefined>[]> {
    const distinct = [...new Set(requestIds)];
    let answer: BatchGetCommandOutput;
    try {
      answer = await this.doc.send(
        new BatchGetCommand({
          RequestItems: { [this.tableName]: { Keys: distinct.map(requestKey), ConsistentRead: true } },
        }),
      );
    } catch (error) {
      throw toStoreError(error, `get of ${distinct.length} requests`);
    }
    const found = new Map<unknown, Record<string, unknown>>();
    for (const item of answer.Responses?.[this.tableName] ?? []) found.set(item[TABLE.partitionKey], item);
    const unprocessed = new Set(
      (answer.UnprocessedKeys?.[this.tableName]?.Keys ?? []).map((key) => key[TABLE.partitionKey]),
    );
    return Promise.all(
      requestIds.map(async (requestId): Promise<ItemOutcome<Record<string, unknown> | undefined>> => {
        const pk = requestKey(requestId)[TABLE.partitionKey];
        if (!unprocessed.has(pk)) return { ok: true, value: found.get(pk) };
        try {
          return { ok: true, value: await this.getOne(requestId) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  async transition(command: TransitionCommand): Promise<RequestRecord> {
    assertTransition(command.from, command.to, command.actor); // rejects before anything is sent
    return this.change({ kind: 'transition', command });
  }

  async update(command: UpdateCommand): Promise<RequestRecord> {
    return this.change({ kind: 'update', command });
  }

  async listInFlight(
    options: { readonly limit?: number; readonly cursor?: string } = {},
  ): Promise<InFlightPage> {
    const limit = options.limit ?? DEFAULT_IN_FLIGHT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new StoreError(
        'STORE_INVALID_COMMAND',
        `listInFlight limit must be a positive integer (got ${limit})`,
      );
    }
    let position: InFlightPosition =
      options.cursor === undefined
        ? { shard: 0 }
        : decodeCursor(options.cursor, this.itemOptions.inflightShards);
    const records: RequestRecord[] = [];
    let itemsRead = 0;
    for (;;) {
      const page = await this.queryShard(position, limit - records.length);
      itemsRead += page.ScannedCount ?? page.Items?.length ?? 0;
      records.push(...readableRecords(page.Items ?? []));
      if (page.LastEvaluatedKey !== undefined) {
        return {
          records,
          itemsRead,
          cursor: encodeCursor({ shard: position.shard, lastKey: page.LastEvaluatedKey }),
        };
      }
      if (position.shard + 1 >= this.itemOptions.inflightShards) return { records, itemsRead };
      position = { shard: position.shard + 1 };
      if (records.length >= limit) return { records, itemsRead, cursor: encodeCursor(position) };
    }
  }

  /** Every record of the sparse `spend` index, page after page (the running fleet: replicas, not requests). */
  async listActiveSpend(): Promise<readonly RequestRecord[]> {
    const { name, partitionKey, partition } = TABLE.spendIndex;
    const records: RequestRecord[] = [];
    let lastKey: Record<string, unknown> | undefined;
    do {
      try {
        const page = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: name,
            KeyConditionExpression: '#partition = :partition',
            ExpressionAttributeNames: { '#partition': partitionKey },
            ExpressionAttributeValues: { ':partition': partition },
            ...(lastKey === undefined ? {} : { ExclusiveStartKey: lastKey }),
          }),
        );
        records.push(...readableRecords(page.Items ?? []));
        lastKey = page.LastEvaluatedKey;
      } catch (error) {
        throw toStoreError(error, 'listActiveSpend');
      }
    } while (lastKey !== undefined);
    return records;
  }

  async acquireLock(name: string, owner: string, until: Date, now: Date): Promise<boolean> {
    const expression = new ExpressionBuilder();
    const untilMs = expression.name('untilMs');
    expression.condition(
      `attribute_not_exists(${expression.name(TABLE.partitionKey)}) OR ${untilMs} < ${expression.value(now.getTime())}` +
        ` OR ${expression.name('owner')} = ${expression.value(owner)}`,
    );
    return this.putIf(
      { ...lockKey(name), owner, ...validityWindow(until) },
      expression,
      `acquireLock ${name}`,
    );
  }

  async releaseLock(name: string, owner: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: lockKey(name),
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      // Someone else holds it (ours expired and was taken), or nobody does: nothing of ours to release.
      if (error instanceof ConditionalCheckFailedException) return;
      throw toStoreError(error, `releaseLock ${name}`);
    }
  }

  async putMarker(
    name: string,
    value: Readonly<Record<string, unknown>>,
    options: PutMarkerOptions,
  ): Promise<boolean> {
    const expression = new ExpressionBuilder();
    expression.condition(
      `attribute_not_exists(${expression.name(TABLE.partitionKey)})` +
        ` OR ${expression.name('untilMs')} < ${expression.value(options.now.getTime())}` +
        (options.orHeldBy === undefined
          ? ''
          : ` OR ${expression.name('value.requestId')} = ${expression.value(options.orHeldBy)}`),
    );
    return this.putIf(
      { ...markerKey(name), name, value: withoutUndefined(value), ...validityWindow(options.until) },
      expression,
      `putMarker ${name}`,
    );
  }

  async getMarker(name: string, now?: Date): Promise<Marker | undefined> {
    try {
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: markerKey(name), ConsistentRead: true }),
      );
      if (Item === undefined) return undefined;
      const untilMs = Number(Item.untilMs);
      if (now !== undefined && untilMs < now.getTime()) return undefined;
      return { name, value: (Item.value ?? {}) as Record<string, unknown>, until: new Date(untilMs) };
    } catch (error) {
      throw toStoreError(error, `getMarker ${name}`);
    }
  }

  async getFleetState(primaryId: string): Promise<FleetState | undefined> {
    try {
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: fleetStateKey(primaryId), ConsistentRead: true }),
      );
      return Item === undefined ? undefined : fleetStateOf(Item);
    } catch (error) {
      throw toStoreError(error, `getFleetState ${primaryId}`);
    }
  }

  async putFleetState(state: FleetState, expectedVersion: number): Promise<boolean> {
    if (state.version !== expectedVersion + 1) {
      throw new StoreError(
        'STORE_INVALID_COMMAND',
        `putFleetState ${state.primaryId}: version ${state.version} does not follow ${expectedVersion}`,
      );
    }
    const expression = new ExpressionBuilder();
    expression.condition(
      expectedVersion === 0
        ? `attribute_not_exists(${expression.name(TABLE.partitionKey)})`
        : `${expression.name('version')} = ${expression.value(expectedVersion)}`,
    );
    return this.putIf(
      {
        ...fleetStateKey(state.primaryId),
        version: state.version,
        fleet: withoutUndefined(parseFleetState(state)),
      },
      expression,
      `putFleetState ${state.primaryId}`,
    );
  }

  async listFleetStates(): Promise<readonly FleetState[]> {
    const states: FleetState[] = [];
    let lastKey: Record<string, unknown> | undefined;
    do {
      let page: QueryCommandOutput;
      try {
        page = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
            ExpressionAttributeValues: { ':pk': FLEET_PARTITION },
            ConsistentRead: true,
            ...(lastKey ? { ExclusiveStartKey: lastKey } : {}),
          }),
        );
      } catch (error) {
        throw toStoreError(error, 'listFleetStates');
      }
      for (const item of page.Items ?? []) {
        try {
          states.push(fleetStateOf(item));
        } catch (error) {
          logger.error('Skipping an unreadable fleet state', { sk: String(item[TABLE.sortKey]), error });
        }
      }
      lastKey = page.LastEvaluatedKey;
    } while (lastKey);
    return states;
  }

  /** One conditional UpdateItem; on a lost condition that was only an assumption, learn and retry once. */
  private async change(change: Change, prior: Prior = {}): Promise<RequestRecord> {
    const { requestId } = change.command;
    const { expression, assumes } = planChange(change, prior, this.itemOptions);
    try {
      const { Attributes } = await this.doc.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: requestKey(requestId),
          ...expression.build(),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return toRecord(Attributes ?? {});
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) {
        throw toStoreError(error, `${change.kind} of request ${requestId}`);
      }
      const current = recordOf(error) ?? (assumes ? await this.get(requestId) : undefined);
      if (assumes && current !== undefined && stillExpected(change, current)) {
        // Only the assumption failed; the retry knows the facts and stays conditional on the version.
        return this.change(change, {
          state: current.state,
          notificationStatus: current.notification?.status ?? null,
        });
      }
      throw new ConcurrentUpdateError(requestId, lostRaceMessage(change, current), { cause: error });
    }
  }

  private async queryShard(position: InFlightPosition, limit: number) {
    const { name, partitionKey } = TABLE.inflightIndex;
    try {
      return await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: name,
          KeyConditionExpression: '#shard = :shard',
          ExpressionAttributeNames: { '#shard': partitionKey },
          ExpressionAttributeValues: { ':shard': inflightShardName(position.shard) },
          Limit: limit,
          ...(position.lastKey === undefined ? {} : { ExclusiveStartKey: position.lastKey }),
        }),
      );
    } catch (error) {
      throw toStoreError(error, `listInFlight (shard ${position.shard})`);
    }
  }

  /** A conditional PutItem that answers false instead of throwing when the condition fails. */
  private async putIf(item: Record<string, unknown>, expression: ExpressionBuilder, action: string) {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ...expression.build() }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw toStoreError(error, action);
    }
  }
}

const positiveInteger = (option: string, value: number | undefined, fallback: number): number => {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result < 1) {
    throw new ConfigError(`DynamoRequestStore option ${option} must be a positive integer (got ${value})`);
  }
  return result;
};

/** A lease or marker window: `untilMs` for conditions, `until` for people, `expiresAt` for TTL cleanup. */
const validityWindow = (until: Date) => ({
  until: until.toISOString(),
  untilMs: until.getTime(),
  [TABLE.ttlAttribute]: Math.ceil(until.getTime() / 1000),
});

/** The item DynamoDB returns with a failed condition (`ReturnValuesOnConditionCheckFailure: ALL_OLD`). */
const recordOf = (error: ConditionalCheckFailedException): RequestRecord | undefined =>
  error.Item === undefined ? undefined : toRecord(unmarshall(error.Item));

/** A fleet state item's state, parsed at the border (its `version` is the item's). */
const fleetStateOf = (item: Record<string, unknown>): FleetState =>
  parseFleetState({ ...(item.fleet as Record<string, unknown>), version: Number(item.version) });

/** In-flight records; an item that is not a record is logged and skipped, never blocking the others. */
const readableRecords = (items: readonly Record<string, unknown>[]): RequestRecord[] =>
  items.flatMap((item) => {
    try {
      return [toRecord(item)];
    } catch (error) {
      logger.error('Skipping an unreadable item in the in-flight index', {
        pk: String(item[TABLE.partitionKey]),
        error,
      });
      return [];
    }
  });
