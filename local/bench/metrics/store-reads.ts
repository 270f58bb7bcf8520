import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startBenchStack } from '#local/bench/bench-stack.ts';
import { atMost, type Measurement, measurement } from '#local/bench/measurement.ts';
import { seedFinished, seedInFlight } from '#local/bench/seed-records.ts';
import { LOCAL_DYNAMO_CLIENT_CONFIG } from '#local/stack/dynalite-server.ts';

export interface StoreReadsResult {
  readonly inFlight: number;
  readonly finished: number;
  /** Items the poll cycle read (the store's `itemsRead`: DynamoDB's ScannedCount). */
  readonly itemsRead: number;
  /** Items a whole-table scan reads: what a poller without the in-flight index would read. */
  readonly scanItems: number;
}

/** Items a full scan of the table reads (COUNT only, page by page, as DynamoDB bills it). */
const scannedByFullScan = async (dynamoUrl: string): Promise<number> => {
  const client = new DynamoDBClient({ ...LOCAL_DYNAMO_CLIENT_CONFIG, endpoint: dynamoUrl });
  try {
    let scanned = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: 'replica-flow',
          Select: 'COUNT',
          ...(start ? { ExclusiveStartKey: start as never } : {}),
        }),
      );
      scanned += page.ScannedCount ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return scanned;
  } finally {
    client.destroy();
  }
};

/**
 * `inFlight` SUBMITTED requests (made-up instance ids: the cycle's Tencent calls find nothing and
 * change nothing) among `finished` READY ones; one poll cycle, then a whole-table scan.
 */
export const runStoreReads = async (args: {
  readonly inFlight: number;
  readonly finished: number;
}): Promise<StoreReadsResult> => {
  const bench = await startBenchStack({ tencentRateLimits: false });
  try {
    bench.stack.emulator?.setRateLimits({ enabled: false });
    await seedInFlight(bench.stack, { count: args.inFlight, prepaid: 0, replicas: 'made-up' });
    await seedFinished(bench.stack, args.finished);
    const report = await bench.stack.pollOnce();
    if (report.inFlight !== args.inFlight) {
      throw new Error(`the poller saw ${report.inFlight} requests in flight, not ${args.inFlight}`);
    }
    return {
      inFlight: args.inFlight,
      finished: args.finished,
      itemsRead: report.itemsRead,
      scanItems: await scannedByFullScan(bench.stack.dynamoUrl),
    };
  } finally {
    await bench.close();
  }
};

export const storeReadsMeasurement = (result: StoreReadsResult): Measurement =>
  measurement({
    metric: `poll.store-reads-per-in-flight.n${result.inFlight}-of-${result.inFlight + result.finished}`,
    value: result.itemsRead / result.inFlight,
    unit: 'items/in-flight',
    baseline: result.scanItems / result.inFlight,
    target: atMost(1.05),
  });
