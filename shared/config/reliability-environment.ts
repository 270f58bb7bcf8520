import type { SQSClient } from '@aws-sdk/client-sqs';
import { SqsDeadLetterQueues } from '#shared/adapters/queue/sqs-dead-letter-queues.ts';
import {
  assertExactlyOnceTimings,
  DEFAULT_TENCENT_LISTING_DELAY_SECONDS,
} from '#shared/config/exactly-once-timings.ts';
import type { DeadLetterQueues } from '#shared/ports/dead-letter-queues.ts';
import * as z from '#shared/util/zod-mini.ts';

/**
 * The notify queue's maxReceiveCount (serverless.yml and the local stack's queues): the notify
 * function spreads its retries so these receives last the whole webhook retry window.
 */
export const DEFAULT_NOTIFY_MAX_RECEIVE_COUNT = 100;

/** Environment variables of the reliability features: dead-letter queues and the exactly-once timings. */
export const reliabilityEnvironmentShape = {
  /** Each work queue's dead-letter queue. With all three, consumers dead-letter at once and the poller marks stuck requests. */
  REQUESTS_DLQ_URL: z.optional(z.url()),
  CREATE_DLQ_URL: z.optional(z.url()),
  NOTIFY_DLQ_URL: z.optional(z.url()),
  /** Must equal the notify queue's redrive policy maxReceiveCount. */
  NOTIFY_MAX_RECEIVE_COUNT: z._default(
    z.coerce.number().check(z.int(), z.gte(1), z.lte(1000)),
    DEFAULT_NOTIFY_MAX_RECEIVE_COUNT,
  ),
  /** The longest Tencent takes to list a new instance; VISIBILITY_GRACE_SECONDS must exceed 1.5 × it. */
  TENCENT_LISTING_DELAY_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.positive()),
    DEFAULT_TENCENT_LISTING_DELAY_SECONDS,
  ),
};

type ReliabilityEnvironment = z.infer<z.ZodMiniObject<typeof reliabilityEnvironmentShape>>;

interface QueueUrls {
  readonly REQUESTS_QUEUE_URL?: string | undefined;
  readonly CREATE_QUEUE_URL?: string | undefined;
  readonly NOTIFY_QUEUE_URL?: string | undefined;
}

/** The dead-letter queues when every work queue's and dead-letter queue's URL is given, else undefined. */
export const deadLetterQueuesFrom = (
  env: ReliabilityEnvironment & QueueUrls,
  client?: SQSClient,
): DeadLetterQueues | undefined => {
  const { REQUESTS_QUEUE_URL, CREATE_QUEUE_URL, NOTIFY_QUEUE_URL } = env;
  const { REQUESTS_DLQ_URL, CREATE_DLQ_URL, NOTIFY_DLQ_URL } = env;
  if (!REQUESTS_QUEUE_URL || !CREATE_QUEUE_URL || !NOTIFY_QUEUE_URL) return undefined;
  if (!REQUESTS_DLQ_URL || !CREATE_DLQ_URL || !NOTIFY_DLQ_URL) return undefined;
  return new SqsDeadLetterQueues({
    ...(client ? { client } : {}),
    queues: {
      requests: { url: REQUESTS_QUEUE_URL, deadLetterUrl: REQUESTS_DLQ_URL },
      create: { url: CREATE_QUEUE_URL, deadLetterUrl: CREATE_DLQ_URL },
      notify: { url: NOTIFY_QUEUE_URL, deadLetterUrl: NOTIFY_DLQ_URL },
    },
  });
};

/** Fails the cold start when the grace period, lease and Tencent timeout could allow a duplicate replica. */
export const checkExactlyOnceEnvironment = (
  env: ReliabilityEnvironment & {
    readonly VISIBILITY_GRACE_SECONDS: number;
    readonly LEASE_SECONDS: number;
    readonly TENCENT_TIMEOUT_SECONDS: number;
  },
): void =>
  assertExactlyOnceTimings(
    {
      visibilityGraceMs: env.VISIBILITY_GRACE_SECONDS * 1000,
      leaseMs: env.LEASE_SECONDS * 1000,
      listingDelayMs: env.TENCENT_LISTING_DELAY_SECONDS * 1000,
      tencentTimeoutMs: env.TENCENT_TIMEOUT_SECONDS * 1000,
    },
    'VISIBILITY_GRACE_SECONDS / LEASE_SECONDS',
  );
