import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CountedUsage, FunctionUsage } from '#local/bench/cost/cost-model.ts';
import type { DeployedStack } from '#local/bench/cost/deployed-functions.ts';
import type { StackObserver } from '#local/stack/local-stack.ts';
import { TABLE } from '#shared/adapters/store/table-definition.ts';
import type { FunctionName } from '../../../scripts/bundle.ts';

const SQS_CHUNK_BYTES = 64 * 1024;
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

type Attribute = string | { readonly S?: string } | undefined;
const text = (value: unknown): string | undefined => {
  const attribute = value as Attribute;
  return typeof attribute === 'string' ? attribute : attribute?.S;
};

interface Capacity {
  readonly CapacityUnits?: number;
}
const unitsOf = (consumed: Capacity | readonly Capacity[] | undefined): number =>
  (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
    (total: number, entry: Capacity) => total + (entry.CapacityUnits ?? 0),
    0,
  );

interface WriteInput {
  readonly Key?: Record<string, unknown>;
  readonly Item?: Record<string, unknown>;
  readonly UpdateExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
}

/** The `inflight` index after a write: in it or not, and whether its sort key (`inflightSince`) was set anew. */
const indexAfter = (
  command: string,
  input: WriteInput,
  before: boolean,
): { inIndex: boolean; keyChanged: boolean } => {
  const { partitionKey: shard, sortKey: since } = TABLE.inflightIndex;
  if (command === 'DeleteItemCommand') return { inIndex: false, keyChanged: false };
  if (command === 'PutItemCommand') {
    const inIndex = input.Item?.[shard] !== undefined;
    return { inIndex, keyChanged: before && inIndex };
  }
  const expression = input.UpdateExpression ?? '';
  const aliases = (attribute: string) =>
    Object.entries(input.ExpressionAttributeNames ?? {})
      .filter(([, name]) => name === attribute)
      .map(([alias]) => alias);
  const removeAt = expression.search(/\bREMOVE\b/);
  const setPart = removeAt === -1 ? expression : expression.slice(0, removeAt);
  const removePart = removeAt === -1 ? '' : expression.slice(removeAt);
  const named = (part: string, attribute: string, suffix: string) =>
    [attribute, ...aliases(attribute)].some((name) => part.includes(`${name}${suffix}`));
  if (named(removePart, shard, '')) return { inIndex: false, keyChanged: false };
  if (!named(setPart, shard, ' =')) return { inIndex: before, keyChanged: false };
  // A transition sets `inflightSince` to a new value; an update keeps it (`if_not_exists`).
  const sinceSetAnew =
    named(setPart, since, ' =') && !/if_not_exists\(/.test(setPart.split(since).slice(1).join(since));
  return { inIndex: true, keyChanged: before && sinceSetAnew };
};

/**
 * Counts what the local stack's functions cost in AWS terms, as they run: middleware on the clients
 * they share asks DynamoDB for its consumed capacity (dynalite answers `ReturnConsumedCapacity` from
 * item sizes as DynamoDB does: reads per 4 KB, halved when eventually consistent, a query's items
 * summed first; writes per 1 KB of the larger of old and new item) and adds the `inflight` index's
 * writes, which dynalite leaves out: with projection ALL, a write that puts an item in the index,
 * takes it out or changes it there costs the table's units again, twice when its sort key changes
 * (a delete and a put). A write refused by its condition still costs its units (1 when not known).
 * SQS requests are counted per call and 64 KB chunk, except the event source's receives and
 * deletes (Lambda's pollers in AWS, priced from the records by the cost model). Each invocation is
 * split by its function's deployed batch size and billed, as Lambda does, to the millisecond.
 */
export const usageMeter = (deployed: DeployedStack) => {
  const functions = new Map<FunctionName, { invocations: number; billedMs: number; records: number }>();
  let readHalfUnits = 0;
  let writeUnits = 0;
  let sqsRequests = 0;
  const inIndex = new Map<string, boolean>();
  const lastUnits = new Map<string, number>();

  const keyOf = (input: WriteInput): string => {
    const source = input.Key ?? input.Item ?? {};
    return `${text(source[TABLE.partitionKey])}|${text(source[TABLE.sortKey])}`;
  };

  const countDynamo = (command: string, input: WriteInput, output: { ConsumedCapacity?: Capacity }) => {
    const units = unitsOf(output.ConsumedCapacity);
    if (!WRITES.has(command)) {
      readHalfUnits += Math.round(units * 2);
      if (command === 'BatchWriteItemCommand' || command === 'TransactWriteItemsCommand') writeUnits += units;
      return;
    }
    const key = keyOf(input);
    const before = inIndex.get(key) ?? false;
    const after = indexAfter(command, input, before);
    const indexWrites =
      before && after.inIndex ? (after.keyChanged ? 2 : 1) : before || after.inIndex ? 1 : 0;
    writeUnits += units * (1 + indexWrites);
    inIndex.set(key, after.inIndex);
    lastUnits.set(key, units);
  };

  const observer: StackObserver = {
    clients: ({ dynamo, sqs }: { dynamo: DynamoDBClient; sqs: SQSClient }) => {
      dynamo.middlewareStack.add(
        (next, context) => async (args) => {
          const input = { ...(args.input as Record<string, unknown>), ReturnConsumedCapacity: 'TOTAL' };
          const command = context.commandName ?? '';
          try {
            const result = await next({ ...args, input });
            countDynamo(command, input as WriteInput, result.output as { ConsumedCapacity?: Capacity });
            return result;
          } catch (error) {
            if (WRITES.has(command) && (error as Error).name === 'ConditionalCheckFailedException') {
              writeUnits += lastUnits.get(keyOf(input as WriteInput)) ?? 1;
            }
            throw error;
          }
        },
        { step: 'initialize', name: 'benchUsageMeter' },
      );
      sqs.middlewareStack.add(
        (next, context) => async (args) => {
          const command = context.commandName ?? '';
          const input = args.input as { QueueUrl?: string };
          const result = await next(args);
          const eventSource =
            command === 'DeleteMessageBatchCommand' ||
            (command === 'ReceiveMessageCommand' && !input.QueueUrl?.endsWith('-dlq'));
          if (!eventSource) {
            const bytes =
              Buffer.byteLength(JSON.stringify(args.input)) +
              Buffer.byteLength(JSON.stringify(result.output));
            sqsRequests += Math.max(1, Math.ceil(bytes / SQS_CHUNK_BYTES));
          }
          return result;
        },
        { step: 'initialize', name: 'benchUsageMeter' },
      );
    },
    invoked: (functionName, records, ms) => {
      const name = functionName as FunctionName;
      const batchSize = deployed.functions[name]?.batchSize;
      const invocations = batchSize ? Math.ceil(records / batchSize) : 1;
      const entry = functions.get(name) ?? { invocations: 0, billedMs: 0, records: 0 };
      entry.invocations += invocations;
      entry.billedMs += invocations * Math.max(1, Math.ceil(ms));
      entry.records += records;
      functions.set(name, entry);
    },
  };

  const snapshot = (): CountedUsage => ({
    functions: Object.fromEntries([...functions].map(([name, entry]) => [name, { ...entry }])),
    readHalfUnits,
    writeUnits,
    sqsRequests,
  });

  return { observer, snapshot };
};

/** `a − b` (what was counted between two snapshots), or `a + b × times`. */
export const combineUsage = (a: CountedUsage, b: CountedUsage, times: number): CountedUsage => {
  const names = new Set([...Object.keys(a.functions), ...Object.keys(b.functions)]) as Set<FunctionName>;
  const zero: FunctionUsage = { invocations: 0, billedMs: 0, records: 0 };
  const functions: Partial<Record<FunctionName, FunctionUsage>> = {};
  for (const name of names) {
    const x = a.functions[name] ?? zero;
    const y = b.functions[name] ?? zero;
    const combined = {
      invocations: x.invocations + y.invocations * times,
      billedMs: x.billedMs + y.billedMs * times,
      records: x.records + y.records * times,
    };
    if (combined.invocations > 0) functions[name] = combined;
  }
  return {
    functions,
    readHalfUnits: a.readHalfUnits + b.readHalfUnits * times,
    writeUnits: a.writeUnits + b.writeUnits * times,
    sqsRequests: a.sqsRequests + b.sqsRequests * times,
  };
};

export const usageSince = (now: CountedUsage, before: CountedUsage): CountedUsage =>
  combineUsage(now, before, -1);
