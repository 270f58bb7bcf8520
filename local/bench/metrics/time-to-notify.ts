import { setTimeout as sleep } from 'node:timers/promises';
import { emulatorOf, startBenchStack } from '#local/bench/bench-stack.ts';
import { atMost, type Measurement, measurement, percentile } from '#local/bench/measurement.ts';
import { submitAndWait } from '#local/bench/submit-requests.ts';

export interface TimeToNotifyOptions {
  readonly requests: number;
  readonly pollIntervalMs: number;
  /** Each replica takes between these to turn running (spread, so they do at every phase of the poll). */
  readonly provisioningMs: readonly [number, number];
}

export interface TimeToNotifyResult {
  readonly requests: number;
  readonly pollIntervalMs: number;
  /** Per webhook received: ms from the emulator's `runningAt` to the webhook's arrival. */
  readonly latenciesMs: readonly number[];
  /** Per replica: ms from `runningAt` until Terraform's backoff polling would have seen it running. */
  readonly terraformLatenciesMs: readonly number[];
}

/**
 * Terraform's wait (tencent-api.md §4): polls from the create on, first after 500 ms, each wait
 * doubling up to 10 s; the replica is seen at the first poll at or after it turned running.
 */
export const terraformSeesRunningAt = (createdAt: number, runningAt: number): number => {
  let at = createdAt;
  for (let wait = 500; at < runningAt; wait = Math.min(wait * 2, 10_000)) at += wait;
  return at;
};

/**
 * `requests` requests with a callback, submitted 50 ms apart to a stack polling every
 * `pollIntervalMs`; for each replica, the time from turning running (the emulator's `runningAt`) to
 * its verified webhook arriving. Terraform's backoff polling is replayed on the same replicas' times.
 */
export const runTimeToNotify = async (args: TimeToNotifyOptions): Promise<TimeToNotifyResult> => {
  const bench = await startBenchStack({ pollIntervalMs: args.pollIntervalMs });
  const emulator = emulatorOf(bench.stack);
  const [shortest, longest] = args.provisioningMs;
  // A replica's schedule is fixed when it is created: step through the range while requests flow.
  let step = 0;
  const spread = () => {
    const fraction = ((step++ * 7) % 11) / 10;
    emulator.setTimings({
      orderVisibleAfterMs: 0,
      orderIdsLagMs: 0,
      listedAfterMs: 0,
      applyingMs: 0,
      initingMs: Math.round(shortest + fraction * (longest - shortest)),
    });
  };
  spread();
  const spreading = setInterval(spread, 37);
  try {
    const outcome = await submitAndWait(bench, {
      count: args.requests,
      spacingMs: 50,
      concurrency: 16,
      callbackUrl: bench.receiver.url,
      deadlineMs: 120_000,
    });
    clearInterval(spreading);
    const deadline = Date.now() + longest + 60_000;
    const ready = () => bench.receiver.received.filter((webhook) => webhook.payload.type === 'replica.ready');
    while (ready().length < outcome.requestIds.length && Date.now() < deadline) await sleep(100);

    const instances = new Map(emulator.instances().map((instance) => [instance.id, instance]));
    const latenciesMs: number[] = [];
    for (const webhook of ready()) {
      const [first] = (webhook.payload.data.instances ?? []) as { instanceId?: string }[];
      const runningAt = instances.get(first?.instanceId ?? '')?.runningAt;
      if (runningAt) latenciesMs.push(webhook.receivedAt - runningAt);
    }
    const terraformLatenciesMs = [...instances.values()].flatMap((instance) =>
      instance.runningAt === null
        ? []
        : [terraformSeesRunningAt(instance.createdAt, instance.runningAt) - instance.runningAt],
    );
    return {
      requests: args.requests,
      pollIntervalMs: args.pollIntervalMs,
      latenciesMs,
      terraformLatenciesMs,
    };
  } finally {
    clearInterval(spreading);
    await bench.close();
  }
};

export const timeToNotifyMeasurements = (result: TimeToNotifyResult): Measurement[] => [
  measurement({
    metric: `notify.p99-seconds-running-to-webhook.poll${result.pollIntervalMs / 1000}s`,
    value: percentile(result.latenciesMs.length ? result.latenciesMs : [Number.NaN], 99) / 1000,
    unit: 's',
    baseline: percentile(result.terraformLatenciesMs.length ? result.terraformLatenciesMs : [0], 99) / 1000,
    target: atMost(result.pollIntervalMs / 1000 + 1),
  }),
  measurement({
    metric: `notify.webhooks-missing.n${result.requests}`,
    value: result.requests - result.latenciesMs.length,
    unit: 'webhooks',
    target: atMost(0),
  }),
];
