import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EMULATOR_CREDENTIALS } from '@replica-flow/tencent-emulator/credentials.ts';
import {
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '@replica-flow/tencent-emulator/server.ts';
import type { Context, SQSEvent } from 'aws-lambda';
import { createDependencies } from '#functions/create.deps.ts';
import { buildCreateHandler } from '#functions/create.ts';
import { ingestDependencies } from '#functions/ingest.deps.ts';
import { buildIngestHandler } from '#functions/ingest.ts';
import { notifyDependencies } from '#functions/notify.deps.ts';
import { buildNotifyHandler } from '#functions/notify.ts';
import { pollDependencies } from '#functions/poll.deps.ts';
import { buildPollHandler } from '#functions/poll.ts';
import { validateDependencies } from '#functions/validate.deps.ts';
import { buildValidateHandler } from '#functions/validate.ts';
import { deploymentShape } from '#local/stack/deployment-shape.ts';
import { LOCAL_DYNAMO_CLIENT_CONFIG } from '#local/stack/dynalite-server.ts';
import { startHttpGateway } from '#local/stack/http-gateway.ts';
import { lambdaContext } from '#local/stack/lambda-context.ts';
import { localAlertSettings } from '#local/stack/local-alert-credentials.ts';
import {
  type LocalCredentials,
  loadOrCreateLocalCredentials,
  localApiKeysSetting,
} from '#local/stack/local-credentials.ts';
import { ensureLocalQueues, type LocalQueue } from '#local/stack/local-queues.ts';
import { startServicesHere, startServicesInWorker } from '#local/stack/local-services.ts';
import { type LocalSourceOptions, localSourceDependencies } from '#local/stack/local-sources.ts';
import { startSqsEventSource } from '#local/stack/sqs-event-source.ts';
import { SqsDeadLetterQueues } from '#shared/adapters/queue/sqs-dead-letter-queues.ts';
import { SqsMessageQueue } from '#shared/adapters/queue/sqs-message-queue.ts';
import { DynamoRequestStore } from '#shared/adapters/store/dynamo-request-store.ts';
import {
  DEFAULT_TENCENT_RATE_LIMITS,
  type TencentRateLimits,
} from '#shared/adapters/tencent/rate-limiter.ts';
import { createTencentPostgres } from '#shared/adapters/tencent/tencent-postgres-client.ts';
import { createStandardWebhookSender } from '#shared/adapters/webhook/standard-webhook-sender.ts';
import { callbackRulesOf } from '#shared/config/callback-rules.ts';
import { type Dependencies, defaultSettings, type Settings } from '#shared/config/dependencies.ts';
import {
  assertExactlyOnceTimings,
  DEFAULT_TENCENT_LISTING_DELAY_SECONDS,
} from '#shared/config/exactly-once-timings.ts';
import type { PortBuilders } from '#shared/config/ports.ts';
import { SETTING_DEFAULTS } from '#shared/config/setting-defaults.ts';
import { loadPolicy } from '#shared/domain/policy-loader.ts';
import { type ApiKey, parseApiKeys } from '#shared/http/api-keys.ts';
import type { AlertIngressSettings } from '#shared/ingress/alerts/alert-settings.ts';
import { logger } from '#shared/logger.ts';
import { systemClock } from '#shared/ports/clock.ts';
import type { PollReport } from '#shared/use-cases/poll-in-flight.ts';

/**
 * Besides the fields below, each chat or ticket source's options (`slack`, `jira`: its ingress and
 * notifier; default: from its variables in the environment, else off), from its `source-local.ts`.
 */
export interface LocalStackOptions extends LocalSourceOptions {
  /** Ingress port; 0 picks a free one. */
  readonly port?: number;
  readonly emulatorPort?: number;
  readonly sqsPort?: number;
  readonly dynamoPort?: number;
  /** Where dynalite, the queues, the emulator and the development credentials keep their state. */
  readonly dataDir: string;
  readonly policyFile?: string;
  readonly pollIntervalMs?: number;
  /** `emulator` (default) or `live`: drive Tencent Cloud itself with the credentials in the environment. */
  readonly tencent?: 'emulator' | 'live';
  readonly tencentEndpoint?: string;
  /** Overrides of the workflow's tunables (tests shorten the grace periods). */
  readonly settings?: Partial<Settings>;
  /** A Tencent emulator world (object or file) instead of the default one. */
  readonly world?: EmulatorOptions['world'];
  /** The emulator's provisioning timings over the world's (the end-to-end tests shorten them). */
  readonly emulatorTimings?: EmulatorOptions['timings'];
  /** Test hook: runs between the Tencent create call and the store write (crash injection). */
  readonly afterCreateCall?: (requestId: string) => Promise<void>;
  /** The Tencent client's timeout per call (default 10 s); chaos runs shorten it. */
  readonly tencentTimeoutSeconds?: number;
  /** Client-side Tencent rate limits shared by every consumer (default: the deployed defaults); `false`: none. */
  readonly tencentRateLimits?: TencentRateLimits | false;
  /** Each queue's event source: invocations at once and records per invocation (default: as deployed, deploy/shape.yml). */
  readonly consumers?: ConsumerShape;
  /** The create queue's alone, over `consumers` (the bench gives it BURST_CREATE_CONSUMERS). */
  readonly createConsumers?: ConsumerShape;
  /** API keys accepted besides the development key (`npm start`: REPLICA_FLOW_API_KEYS). */
  readonly apiKeys?: readonly ApiKey[];
  /** How long DescribeZones / DescribeClasses answers are kept (default a minute, as deployed). */
  readonly catalogCacheMs?: number;
  /** Each webhook attempt's timeout (default the sender's, 10 s). */
  readonly webhookTimeoutMs?: number;
  /** Overrides of the alert ingress settings (every source is on with the folder's tokens). */
  readonly alerts?: Partial<AlertIngressSettings>;
  /**
   * The compiled `services-worker.ts`: dynalite and the SQS server then run in that worker thread,
   * on another core than the functions (the bench). Omitted: in this thread.
   */
  readonly servicesWorker?: string;
  /** Watches the stack at work (the bench counts its AWS calls and times its invocations). */
  readonly observe?: StackObserver;
}

/** What `npm run bench` watches: the AWS SDK clients the functions share, and each invocation. */
export interface StackObserver {
  /** Called once with the clients, before any function runs (middleware may be added to them). */
  clients?(clients: { readonly dynamo: DynamoDBClient; readonly sqs: SQSClient }): void;
  /** After each invocation of a function: how many records (or requests) it held and its duration. */
  invoked?(functionName: string, records: number, ms: number): void;
}

/** The handler, timed for `observe.invoked` (itself without an observer). */
const observed = <Event, Result>(
  observer: StackObserver | undefined,
  functionName: string,
  records: (event: Event) => number,
  handler: (event: Event, context: Context) => Promise<Result>,
): ((event: Event, context: Context) => Promise<Result>) => {
  const invoked = observer?.invoked;
  if (!invoked) return handler;
  return async (event, context) => {
    const started = performance.now();
    try {
      return await handler(event, context);
    } finally {
      invoked(functionName, records(event), performance.now() - started);
    }
  };
};

const sqsRecords = (event: SQSEvent): number => event.Records.length;

export interface LocalStack {
  readonly ingressUrl: string;
  readonly emulatorUrl?: string;
  /** The Tencent emulator's handle (faults, inspection); absent with `tencent: 'live'`. */
  readonly emulator?: RunningEmulator;
  readonly sqsUrl: string;
  readonly dynamoUrl: string;
  readonly queues: Record<'requests' | 'create' | 'notify', LocalQueue>;
  readonly credentials: LocalCredentials;
  readonly dependencies: Dependencies;
  /** Runs one poll cycle now (the schedule keeps running too). */
  pollOnce(): Promise<PollReport>;
  stop(): Promise<void>;
}

/**
 * The local stack's settings: the deployed defaults (`SETTING_DEFAULTS`, as Lambda reads them), with
 * the waits shortened for the emulator, which lists a new instance within seconds, and callbacks to
 * 127.0.0.1 allowed (`localMode`).
 */
export const LOCAL_SETTINGS: Settings = {
  ...defaultSettings(),
  localMode: true,
  provisioningTimeoutMs: 15 * 60_000,
  visibilityGraceMs: 15_000,
  requeueAfterMs: 60_000,
  leaseMs: 60_000,
  pollLockMs: 30_000,
  retryBackoff: { baseSeconds: 1, maxSeconds: 60 },
};

/** An event source's shape: invocations at once × records per invocation. */
export interface ConsumerShape {
  readonly maxConcurrency?: number;
  readonly batchSize?: number;
}

/** A queue's event source as deployed (deploy/shape.yml): its mapping's batch size and maximum concurrency. */
export const deployedConsumerShape = (queue: 'requests' | 'create' | 'notify'): Required<ConsumerShape> => {
  const shape = deploymentShape().queues[queue];
  return { maxConcurrency: shape.maximumConcurrency, batchSize: shape.batchSize };
};

/** A function's timeout as deployed (deploy/shape.yml), in milliseconds. */
export const deployedTimeoutMs = (name: keyof ReturnType<typeof deploymentShape>['functions']): number =>
  deploymentShape().functions[name].timeout * 1000;

/**
 * The create queue's shape for a burst: each record waits for its token of the Tencent rate limiter,
 * and an invocation holds its poller until its slowest record is done, so 4 × 10 records in flight
 * could not keep the limiter's 90 creates a second busy while the rest of the stack was loaded (a
 * 1000-request burst: 14.5–15.6 s); 16 × 5 keep it nearer (12.7–14.4 s, against the 11.1 s that 90 a
 * second allows; 8 × 5: 14.8–15.8 s). Not the default: 16 idle pollers long-polling every second in
 * each of the tests' stacks made their machine busier than the tests' waits allow.
 */
export const BURST_CREATE_CONSUMERS: ConsumerShape = { maxConcurrency: 16, batchSize: 5 };

const AWS_LOCAL = {
  region: 'ap-southeast-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};

/**
 * The whole workflow in one process: the Tencent emulator, dynalite, the SQS-compatible server,
 * the five functions wired as in AWS (HTTP gateway → ingest; queues → validate, create, notify;
 * a schedule → poll), all on 127.0.0.1, state under `dataDir`.
 */
export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  await mkdir(options.dataDir, { recursive: true });
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse())
      await stopOne().catch((error) => logger.warn('stop failed', { error }));
  };
  try {
    const credentials = await loadOrCreateLocalCredentials(options.dataDir);
    const live = options.tencent === 'live';
    const emulator = live
      ? undefined
      : await startEmulator({
          port: options.emulatorPort ?? 0,
          dataDir: path.join(options.dataDir, 'tencent-emulator'),
          ...(options.world ? { world: options.world } : {}),
          ...(options.emulatorTimings ? { timings: options.emulatorTimings } : {}),
        });
    if (emulator) stoppers.push(() => emulator.close());
    const serviceOptions = {
      dynamo: {
        port: options.dynamoPort ?? 0,
        dataDir: path.join(options.dataDir, 'dynamodb'),
        tableName: 'replica-flow',
      },
      sqs: { port: options.sqsPort ?? 0, dataDir: path.join(options.dataDir, 'sqs') },
    };
    const services = options.servicesWorker
      ? await startServicesInWorker(serviceOptions, options.servicesWorker)
      : await startServicesHere(serviceOptions);
    stoppers.push(() => services.close());
    const { dynamo, sqs: sqsServer } = services;
    const sqs = new SQSClient({ ...AWS_LOCAL, endpoint: sqsServer.url });
    stoppers.push(async () => sqs.destroy());
    const queues = await ensureLocalQueues(sqs);
    const dynamoClient = new DynamoDBClient({ ...LOCAL_DYNAMO_CLIENT_CONFIG, endpoint: dynamo.url });
    stoppers.push(async () => dynamoClient.destroy());
    options.observe?.clients?.({ dynamo: dynamoClient, sqs });

    const settings: Settings = { ...LOCAL_SETTINGS, ...options.settings };
    const tencentTimeoutSeconds = options.tencentTimeoutSeconds ?? SETTING_DEFAULTS.TENCENT_TIMEOUT_SECONDS;
    assertExactlyOnceTimings(
      {
        ...settings,
        listingDelayMs: emulator?.timings().listedAfterMs ?? DEFAULT_TENCENT_LISTING_DELAY_SECONDS * 1000,
        tencentTimeoutMs: tencentTimeoutSeconds * 1000,
      },
      'local stack settings',
    );
    const tencentCredentials = live ? liveTencentCredentials() : EMULATOR_CREDENTIALS;
    const store = new DynamoRequestStore({ client: dynamoClient, tableName: 'replica-flow' });
    const queue = new SqsMessageQueue({
      client: sqs,
      queueUrls: { requests: queues.requests.url, create: queues.create.url, notify: queues.notify.url },
    });
    const deadLetters = new SqsDeadLetterQueues({
      client: sqs,
      queues: {
        requests: { url: queues.requests.url, deadLetterUrl: queues.requests.deadLetterUrl },
        create: { url: queues.create.url, deadLetterUrl: queues.create.deadLetterUrl },
        notify: { url: queues.notify.url, deadLetterUrl: queues.notify.deadLetterUrl },
      },
    });
    const apiKeys = [...parseApiKeys(localApiKeysSetting(credentials)), ...(options.apiKeys ?? [])];
    const { sourceNotifiers, ...sources } = localSourceDependencies(options);
    const alerts = localAlertSettings(credentials.alerts, options.alerts);
    // The same port builders as Lambda's (PortBuilders), each function wired by its own functions/<name>.deps.ts.
    const ports: PortBuilders = {
      settings,
      clock: systemClock,
      store: () => store,
      queue: () => queue,
      apiKeys: () => apiKeys,
      deadLetters: () => ({ deadLetters }),
      telemetry: () => ({}),
      ingress: () => ({ alerts, ...sources }),
      sourceNotifiers: () => sourceNotifiers,
    };
    const tencent = createTencentPostgres({
      credentials: tencentCredentials,
      ...(emulator
        ? { endpoint: emulator.endpoint, protocol: 'http://' as const }
        : {
            endpoint: options.tencentEndpoint ?? 'postgres.tencentcloudapi.com',
            protocol: 'https://' as const,
          }),
      timeoutSeconds: tencentTimeoutSeconds,
      ...(options.tencentRateLimits === false
        ? {}
        : { rateLimits: options.tencentRateLimits ?? DEFAULT_TENCENT_RATE_LIMITS }),
      catalogCacheMs: options.catalogCacheMs ?? SETTING_DEFAULTS.TENCENT_CATALOG_CACHE_SECONDS * 1000,
    });
    const webhooks = createStandardWebhookSender({
      secret: credentials.webhookSecret,
      rules: callbackRulesOf(settings),
      ...(options.webhookTimeoutMs ? { timeoutMs: options.webhookTimeoutMs } : {}),
    });
    const policy = await loadPolicy(options.policyFile ?? 'policy/default.yaml');
    const wired = {
      ingest: ingestDependencies(ports, policy, tencent),
      validate: validateDependencies(ports, { tencent, policy }),
      create: createDependencies(ports, tencent),
      poll: pollDependencies(ports, tencent, policy),
      notify: notifyDependencies(ports, webhooks),
    };
    const dependencies: Dependencies = { ...wired.ingest, ...wired.validate, ...wired.notify };

    const consumers = [
      {
        queue: queues.requests,
        functionName: 'validate' as const,
        handler: observed(options.observe, 'validate', sqsRecords, buildValidateHandler(wired.validate)),
        shape: { ...deployedConsumerShape('requests'), ...options.consumers },
      },
      {
        queue: queues.create,
        functionName: 'create' as const,
        handler: observed(
          options.observe,
          'create',
          sqsRecords,
          buildCreateHandler(
            wired.create,
            options.afterCreateCall ? { afterCall: options.afterCreateCall } : {},
          ),
        ),
        shape: { ...deployedConsumerShape('create'), ...options.consumers, ...options.createConsumers },
      },
      {
        queue: queues.notify,
        functionName: 'notify' as const,
        handler: observed(options.observe, 'notify', sqsRecords, buildNotifyHandler(wired.notify)),
        shape: { ...deployedConsumerShape('notify'), ...options.consumers },
      },
    ];
    for (const consumer of consumers) {
      const source = startSqsEventSource({
        client: sqs,
        queueUrl: consumer.queue.url,
        queueArn: consumer.queue.arn,
        handler: consumer.handler,
        functionName: consumer.functionName,
        timeoutMs: deployedTimeoutMs(consumer.functionName),
        batchSize: consumer.shape.batchSize,
        maxConcurrency: consumer.shape.maxConcurrency,
        waitTimeSeconds: 1,
      });
      stoppers.push(() => source.stop());
    }

    const poll = observed(options.observe, 'poll', () => 1, buildPollHandler(wired.poll));
    const pollOnce = async () =>
      (await poll(
        {
          version: '0',
          id: 'local',
          'detail-type': 'Scheduled Event',
          source: 'aws.events',
          account: '000000000000',
          time: new Date().toISOString(),
          region: AWS_LOCAL.region,
          resources: [],
          detail: {},
        },
        lambdaContext('poll', deployedTimeoutMs('poll')),
      )) as PollReport;
    const timer = startSchedule(pollOnce, options.pollIntervalMs ?? 2000);
    stoppers.push(() => timer.stop());

    const gateway = await startHttpGateway({
      port: options.port ?? 0,
      handler: observed(options.observe, 'ingest', () => 1, buildIngestHandler(wired.ingest)),
    });
    stoppers.push(() => gateway.close());

    return {
      ingressUrl: gateway.url,
      ...(emulator ? { emulatorUrl: emulator.url, emulator } : {}),
      sqsUrl: sqsServer.url,
      dynamoUrl: dynamo.url,
      queues,
      credentials,
      dependencies,
      pollOnce,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** A fixed-rate schedule that never overlaps itself in this process (the run lock guards across processes). */
const startSchedule = (run: () => Promise<unknown>, intervalMs: number) => {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = run()
      .catch((error) => logger.error('poll cycle failed', { error }))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
};

const liveTencentCredentials = () => {
  const secretId = process.env.TENCENTCLOUD_SECRET_ID;
  const secretKey = process.env.TENCENTCLOUD_SECRET_KEY;
  if (!secretId || !secretKey) {
    throw new Error(
      '--tencent live needs TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY in the environment',
    );
  }
  return { secretId, secretKey };
};
