import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { buildNotifyHandler } from '#functions/notify.ts';
import { type ChaosRandom, chaosRandom } from '#local/chaos/chaos-random.ts';
import type { Dependencies, Settings } from '#shared/config/dependencies.ts';
import { requestIdFor } from '#shared/domain/idempotency.ts';
import type { Policy } from '#shared/domain/policy.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import type { WebhookSender } from '#shared/ports/webhook-sender.ts';
import { DUE_LEEWAY_MS } from '#shared/use-cases/claim-notification-attempt.ts';
import { pendingNotification } from '#shared/use-cases/notification-outbox.ts';
import { pollInFlight } from '#shared/use-cases/poll-in-flight.ts';
import { lambdaContext } from '#test/fixtures/lambda-context.ts';
import { FIXTURE_TIME, requestRecord } from '#test/fixtures/request-records.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import { PROPERTY_SEED, PROPERTY_SEED_VARIABLE } from '#test/support/property-seed.ts';
import { silenceJsonLogs } from '#test/support/quiet-logs.ts';
import { SimulatedQueue } from '#test/support/simulated-queue.ts';

/** The property tests' seed (REPLICA_FLOW_PROPERTY_SEED replays another run; a failure prints it). */
const SEED = PROPERTY_SEED;
const RUNS = Number(process.env.NOTIFY_CHAINS_RUNS ?? 24);

const TICK_MS = 250;
const POLL_EVERY_MS = 1000;
const HORIZON_MS = 60_000;
/** base = max: every retry delay of the schedule is exactly this long. */
const RETRY_DELAY_MS = 2000;
/** A chain silent this long past its due time is restarted by the poller. */
const REQUEUE_AFTER_MS = 5000;
const NOTIFICATIONS = 4;

const SETTINGS: Settings = {
  localMode: true,
  allowedCallbackHosts: ['hooks.example.com'],
  provisioningTimeoutMs: 600_000,
  visibilityGraceMs: 2000,
  requeueAfterMs: REQUEUE_AFTER_MS,
  leaseMs: 2500,
  pollLockMs: 10_000,
  webhookRetryWindowMs: 3_600_000,
  notifyMaxReceiveCount: 2000,
  retryBackoff: { baseSeconds: RETRY_DELAY_MS / 1000, maxSeconds: RETRY_DELAY_MS / 1000 },
  bodyLimitBytes: 65_536,
};

/** The store, with every call let through after a seeded number of turns: each run is another interleaving. */
const interleaving = (store: InMemoryStore, random: ChaosRandom): RequestStore => {
  const shuffle = async () => {
    for (let turns = random.int(0, 4); turns > 0; turns -= 1) await new Promise(setImmediate);
  };
  const around =
    <Args extends unknown[], Result>(call: (...args: Args) => Promise<Result>) =>
    async (...args: Args): Promise<Result> => {
      await shuffle();
      try {
        return await call(...args);
      } finally {
        await shuffle();
      }
    };
  return {
    putNew: around((record) => store.putNew(record)),
    get: around((requestId) => store.get(requestId)),
    transition: around((command) => store.transition(command)),
    update: around((command) => store.update(command)),
    listInFlight: around((options) => store.listInFlight(options)),
    acquireLock: async () => true,
    releaseLock: async () => undefined,
  };
};

const terminalRecord = (): RequestRecord => {
  const base = requestRecord({ createdAt: FIXTURE_TIME });
  return {
    ...base,
    requestId: requestIdFor('api:test', base.idempotencyKey),
    state: 'READY',
    version: 5,
    request: { ...base.request, callback: { url: 'https://hooks.example.com/replicas' } },
    requester: { source: 'api', identity: 'test' },
    history: [...base.history, { state: 'READY', at: FIXTURE_TIME }],
    notification: pendingNotification('replica.ready'),
  };
};

/**
 * Runs a receiver that answers 503 to everything for `HORIZON_MS` of virtual time: poll cycles every
 * second (two of them overlapping at random; the run lock never stops either), the notify consumer
 * taking each visible message (sometimes the instant it is sent, racing the poller; sometimes twice,
 * as at-least-once delivery may), a send lost now and then, and every store call interleaved in a
 * seeded order.
 * Answers every attempt's time per webhook-id.
 */
const runFailingReceiver = async (seed: number) => {
  const random = chaosRandom(seed);
  let now = Date.parse(FIXTURE_TIME);
  const clock = { now: () => new Date(now) };
  const memory = new InMemoryStore();
  const records = Array.from({ length: NOTIFICATIONS }, terminalRecord);
  for (const record of records) memory.records.set(record.requestId, record);
  const store = interleaving(memory, random.fork('store'));
  const queue = new SimulatedQueue(() => now);
  const attempts = new Map<string, number[]>();
  const receiver: WebhookSender = {
    send: async (message) => {
      attempts.set(message.id, [...(attempts.get(message.id) ?? []), now]);
      return { ok: false, status: 503, error: 'HTTP 503', durationMs: 1 };
    },
  };
  const deps = {
    store,
    queue,
    tencent: {} as TencentPostgres,
    webhooks: receiver,
    clock,
    policy: {} as Policy,
    apiKeys: [],
    settings: SETTINGS,
  } as unknown as Dependencies;
  const notify = buildNotifyHandler(deps);
  const arn = 'arn:aws:sqs:ap-southeast-1:123456789012:replica-flow-notify';
  const running: Promise<unknown>[] = [];
  const consume = (event: SQSEvent) => {
    running.push(
      notify(event, lambdaContext('notify')).then((response) => queue.settle('notify', event, response)),
    );
  };
  const decisions = random.fork('decisions');
  // One send per notification may be lost (a crash between the chain's write and its send).
  const lost = new Set<string>();
  queue.lose = (_name, body) => {
    const webhookId = (body as { webhookId?: string }).webhookId ?? '';
    if (lost.has(webhookId) || !decisions.chance(0.1)) return false;
    lost.add(webhookId);
    return true;
  };
  queue.onSent = (name, message) => {
    if (name === 'notify' && decisions.chance(0.4)) consume(queue.eventOf(queue.receive(message), arn));
  };
  const poll = () =>
    pollInFlight({
      ...deps,
      visibilityGraceMs: SETTINGS.visibilityGraceMs,
      requeueAfterMs: SETTINGS.requeueAfterMs,
      lockMs: SETTINGS.pollLockMs,
    });

  const start = now;
  while (now - start < HORIZON_MS) {
    if ((now - start) % POLL_EVERY_MS === 0) {
      running.push(poll());
      if (decisions.chance(0.3)) running.push(poll());
    }
    for (const message of queue.receiveVisible('notify')) {
      if (decisions.chance(0.1)) queue.duplicate('notify', message);
      consume(queue.eventOf(message, arn));
    }
    while (running.length > 0) await Promise.all(running.splice(0));
    now += TICK_MS;
  }
  return { attempts, end: now, webhookIds: records.map((record) => record.notification?.webhookId ?? '') };
};

describe('notification retry chains against a receiver that keeps failing', () => {
  it(`makes at most one attempt per backoff delay for each webhook-id, whatever the order of poll and notify (${RUNS} interleavings)`, async () => {
    const restore = silenceJsonLogs();
    try {
      for (let run = 0; run < RUNS; run += 1) {
        const seed = SEED + run;
        const { attempts, end, webhookIds } = await runFailingReceiver(seed);
        for (const webhookId of webhookIds) {
          const times = attempts.get(webhookId) ?? [];
          const context = `seed ${seed} (${PROPERTY_SEED_VARIABLE}=${seed}), ${webhookId}: attempts at ${times
            .map((at) => (at - Date.parse(FIXTURE_TIME)) / 1000)
            .join(', ')} s`;
          const first = times[0] ?? end;
          // The schedule: one attempt, then one per retry delay (less the due-time leeway) at most.
          const bound = 1 + Math.floor((end - first) / (RETRY_DELAY_MS - DUE_LEEWAY_MS));
          expect(times.length, context).toBeLessThanOrEqual(bound);
          const gaps = times.slice(1).map((at, index) => at - (times[index] as number));
          expect(Math.min(...gaps), context).toBeGreaterThanOrEqual(RETRY_DELAY_MS - DUE_LEEWAY_MS);
          // …and the chain is never dropped: a lost message is restarted after its due time + grace.
          const allowedSilence = RETRY_DELAY_MS + REQUEUE_AFTER_MS + POLL_EVERY_MS + TICK_MS;
          expect(first - Date.parse(FIXTURE_TIME), context).toBeLessThanOrEqual(allowedSilence);
          expect(Math.max(...gaps, end - (times.at(-1) ?? 0)), context).toBeLessThanOrEqual(allowedSilence);
        }
      }
    } finally {
      restore();
    }
  }, 60_000);
});
