import { StoreError } from '#shared/adapters/store/store-error.ts';
import { requestKey, TABLE } from '#shared/adapters/store/table-definition.ts';
import { holdsActiveSpend } from '#shared/domain/budget.ts';
import {
  isOpenNotification,
  type NotificationStatus,
  type RequestRecord,
} from '#shared/domain/request-record.ts';
import { isTerminal, REQUEST_STATES, type RequestState } from '#shared/domain/request-state.ts';

export type { NotificationStatus } from '#shared/domain/request-record.ts';

export interface ItemOptions {
  readonly retentionSeconds: number;
  readonly inflightShards: number;
}

/** Attributes only the store writes: the keys and the derived index and TTL attributes. */
export const STORE_OWNED_ATTRIBUTES: ReadonlySet<string> = new Set([
  TABLE.partitionKey,
  TABLE.sortKey,
  TABLE.inflightIndex.partitionKey,
  TABLE.inflightIndex.sortKey,
  TABLE.spendIndex.partitionKey,
  TABLE.spendIndex.sortKey,
  TABLE.ttlAttribute,
]);

/** Attributes of the item that are not fields of `RequestRecord` (`expiresAt` is one). */
const ITEM_ONLY_ATTRIBUTES = [
  TABLE.partitionKey,
  TABLE.sortKey,
  TABLE.inflightIndex.partitionKey,
  TABLE.inflightIndex.sortKey,
  TABLE.spendIndex.partitionKey,
  TABLE.spendIndex.sortKey,
] as const;

/**
 * A record is in flight while its state is not terminal or its notification is still open (PENDING:
 * no retry chain yet; ENQUEUED: a chain is live, and the poller restarts it if it goes silent).
 */
export const hasWorkLeft = (
  state: RequestState,
  notificationStatus: NotificationStatus | undefined,
): boolean => !isTerminal(state) || isOpenNotification(notificationStatus);

export const inflightShardName = (index: number): string => `INFLIGHT#${index}`;

/** The record's in-flight index partition: a stable hash of its id over `shards` partitions. */
export const inflightShardOf = (requestId: string, shards: number): string =>
  inflightShardName(shards <= 1 ? 0 : fnv1a(requestId) % shards);

/** TTL (epoch seconds): the terminal time plus the idempotency window. */
export const expiresAtFor = (terminalAt: string, retentionSeconds: number): number =>
  Math.floor(Date.parse(terminalAt) / 1000) + retentionSeconds;

/** The item for a whole record; derived attributes computed from it, a caller's `expiresAt` ignored. */
export const toItem = (record: RequestRecord, options: ItemOptions): Record<string, unknown> => {
  const item: Record<string, unknown> = { ...withoutUndefined(record), ...requestKey(record.requestId) };
  delete item[TABLE.ttlAttribute];
  if (hasWorkLeft(record.state, record.notification?.status)) {
    item[TABLE.inflightIndex.partitionKey] = inflightShardOf(record.requestId, options.inflightShards);
    item[TABLE.inflightIndex.sortKey] = record.updatedAt;
  }
  if (holdsActiveSpend(record.state)) {
    item[TABLE.spendIndex.partitionKey] = TABLE.spendIndex.partition;
    item[TABLE.spendIndex.sortKey] = record.requestId;
  }
  // READY holds a running replica: no expiry while it does (request-change.ts).
  if (isTerminal(record.state) && !holdsActiveSpend(record.state)) {
    item[TABLE.ttlAttribute] = expiresAtFor(record.updatedAt, options.retentionSeconds);
  }
  return item;
};

/** The record an item holds: keys and index attributes stripped, `expiresAt` kept. */
export const toRecord = (item: Record<string, unknown>): RequestRecord => {
  const record: Record<string, unknown> = { ...item };
  for (const attribute of ITEM_ONLY_ATTRIBUTES) delete record[attribute];
  const { requestId, state, version, history } = record;
  if (
    typeof requestId !== 'string' ||
    !REQUEST_STATES.includes(state as RequestState) ||
    typeof version !== 'number' ||
    !Array.isArray(history)
  ) {
    throw new StoreError('STORE_FAILED', `Item ${String(item[TABLE.partitionKey])} is not a request record`);
  }
  return record as unknown as RequestRecord;
};

/** Drops `undefined` members at any depth (DynamoDB has no undefined; optional fields are absent). */
export const withoutUndefined = <T>(value: T): T => {
  if (Array.isArray(value)) {
    return value.filter((entry) => entry !== undefined).map((entry) => withoutUndefined(entry)) as T;
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, entry]) => entry !== undefined)
        .map(([key, entry]) => [key, withoutUndefined(entry)]),
    ) as T;
  }
  return value;
};

/** 32-bit FNV-1a: a stable, well-spread hash for shard assignment (not for security). */
const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
};
