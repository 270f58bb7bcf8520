import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import * as z from 'zod';
import { lambdaContext } from '#local/stack/lambda-context.ts';
import { ConfigError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';

/** A Lambda SQS handler, e.g. a middy handler; answers with partial batch failures or nothing. */
export type SqsEventHandler = (event: SQSEvent, context: Context) => unknown;

export interface SqsEventSourceOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: SqsEventHandler;
  /** Name in the Lambda `Context` and in logs. */
  readonly functionName: string;
  /** Function timeout: an invocation still running after it counts as failed (whole batch retried). */
  readonly timeoutMs: number;
  /** Records per invocation, 1–10 (default 10). */
  readonly batchSize?: number;
  /** Invocations running at once, one poller each (default 2, Lambda's minimum maximum concurrency). */
  readonly maxConcurrency?: number;
  /** Overrides the queue's visibility timeout on receive; must be at least the function timeout. */
  readonly visibilityTimeoutSeconds?: number;
  /** Long-poll wait of each ReceiveMessage, 0–20 s (default 20, as Lambda's pollers). */
  readonly waitTimeSeconds?: number;
}

export interface SqsEventSource {
  /** Stops polling (ending any long poll at once) and waits for running invocations to finish. */
  stop(): Promise<void>;
}

const RECEIVE_RETRY_MIN_MS = 500;
const RECEIVE_RETRY_MAX_MS = 10_000;
/** Pause after an empty short poll (`waitTimeSeconds: 0`), so an idle queue is not hammered. */
const EMPTY_SHORT_POLL_PAUSE_MS = 200;
const TIMED_OUT = Symbol('timed out');

/**
 * What `ReportBatchItemFailures` accepts: nothing, `{}`, or `batchItemFailures` (possibly empty or
 * null) of non-empty `itemIdentifier`s. Anything else fails the whole batch, as Lambda does.
 */
const batchResponseSchema = z
  .object({ batchItemFailures: z.array(z.object({ itemIdentifier: z.string().min(1) })).nullish() })
  .nullish();

/**
 * The local equivalent of Lambda's SQS event source mapping with `ReportBatchItemFailures`: long-polls
 * the queue, invokes the handler with a real `SQSEvent` and a Lambda `Context`, and deletes the
 * records not reported as failed. A thrown error, a timeout or an invalid answer leaves the whole
 * batch to reappear after its visibility timeout. Handler failures are logged, never rethrown.
 */
export const startSqsEventSource = (options: SqsEventSourceOptions): SqsEventSource => {
  const settings = resolveSettings(options);
  const stopping = new AbortController();
  // Every poller's receive (and pause) listens on this one signal: up to a few listeners each.
  setMaxListeners(settings.maxConcurrency * 4, stopping.signal);
  const pollers = Array.from({ length: settings.maxConcurrency }, () => poll(settings, stopping.signal));
  const stopped = Promise.all(pollers).then(() => undefined);
  return {
    stop: () => {
      stopping.abort();
      return stopped;
    },
  };
};

interface Settings extends Required<Omit<SqsEventSourceOptions, 'visibilityTimeoutSeconds'>> {
  readonly visibilityTimeoutSeconds: number | undefined;
  readonly awsRegion: string;
}

const resolveSettings = (options: SqsEventSourceOptions): Settings => {
  const batchSize = options.batchSize ?? 10;
  const maxConcurrency = options.maxConcurrency ?? 2;
  const waitTimeSeconds = options.waitTimeSeconds ?? 20;
  const { visibilityTimeoutSeconds, timeoutMs } = options;
  const problem = (message: string) =>
    new ConfigError(`SQS event source for ${options.functionName}: ${message}`);
  if (!isIntegerIn(batchSize, 1, 10)) throw problem('batchSize must be an integer from 1 to 10');
  if (!isIntegerIn(maxConcurrency, 1, 1000))
    throw problem('maxConcurrency must be an integer from 1 to 1000');
  if (!isIntegerIn(waitTimeSeconds, 0, 20)) throw problem('waitTimeSeconds must be an integer from 0 to 20');
  if (!isIntegerIn(timeoutMs, 1, 900_000)) throw problem('timeoutMs must be an integer from 1 to 900000');
  if (visibilityTimeoutSeconds !== undefined) {
    if (!isIntegerIn(visibilityTimeoutSeconds, 0, 43_200)) {
      throw problem('visibilityTimeoutSeconds must be an integer from 0 to 43200');
    }
    if (visibilityTimeoutSeconds * 1000 < timeoutMs) {
      throw problem(
        `visibility timeout (${visibilityTimeoutSeconds} s) is less than the function timeout (${timeoutMs} ms)`,
      );
    }
  }
  const awsRegion = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):\d{12}:[A-Za-z0-9_.-]+$/.exec(options.queueArn)?.[1];
  if (!awsRegion) throw problem(`queueArn "${options.queueArn}" is not an SQS queue ARN`);
  return { ...options, batchSize, maxConcurrency, waitTimeSeconds, visibilityTimeoutSeconds, awsRegion };
};

/** One poller: receive, invoke, delete the successes; until stopped. */
const poll = async (settings: Settings, signal: AbortSignal): Promise<void> => {
  let consecutiveErrors = 0;
  while (!signal.aborted) {
    let messages: Message[];
    try {
      const output = await settings.client.send(
        new ReceiveMessageCommand({
          QueueUrl: settings.queueUrl,
          MaxNumberOfMessages: settings.batchSize,
          WaitTimeSeconds: settings.waitTimeSeconds,
          VisibilityTimeout: settings.visibilityTimeoutSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: signal },
      );
      messages = output.Messages ?? [];
      consecutiveErrors = 0;
    } catch (error) {
      if (signal.aborted) return;
      consecutiveErrors += 1;
      const pauseMs = Math.min(RECEIVE_RETRY_MAX_MS, RECEIVE_RETRY_MIN_MS * 2 ** (consecutiveErrors - 1));
      logger.warn('SQS event source could not receive; retrying', {
        functionName: settings.functionName,
        queueArn: settings.queueArn,
        retryInMs: pauseMs,
        error: describe(error),
      });
      await pause(pauseMs, signal);
      continue;
    }
    if (messages.length === 0) {
      if (settings.waitTimeSeconds === 0) await pause(EMPTY_SHORT_POLL_PAUSE_MS, signal);
      continue;
    }
    // Not abortable: a batch that was received is processed (and its successes deleted) before stop() resolves.
    await deliver(settings, messages);
  }
};

const deliver = async (settings: Settings, messages: readonly Message[]): Promise<void> => {
  const records = messages.map((message) => toRecord(message, settings));
  const failed = await invoke(settings, { Records: records });
  const succeeded = failed === 'all' ? [] : records.filter((record) => !failed.has(record.messageId));
  if (succeeded.length === 0) return;
  try {
    const output = await settings.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: settings.queueUrl,
        Entries: succeeded.map((record, index) => ({
          Id: String(index),
          ReceiptHandle: record.receiptHandle,
        })),
      }),
    );
    if (output.Failed?.length) {
      logger.warn('SQS event source could not delete processed messages; they will be delivered again', {
        functionName: settings.functionName,
        queueArn: settings.queueArn,
        messageIds: output.Failed.map((entry) => succeeded[Number(entry.Id)]?.messageId),
        codes: output.Failed.map((entry) => entry.Code),
      });
    }
  } catch (error) {
    logger.warn('SQS event source could not delete processed messages; they will be delivered again', {
      functionName: settings.functionName,
      queueArn: settings.queueArn,
      messageIds: succeeded.map((record) => record.messageId),
      error: describe(error),
    });
  }
};

/** Runs the handler once; answers the ids of the failed records, or 'all'. */
const invoke = async (settings: Settings, event: SQSEvent): Promise<ReadonlySet<string> | 'all'> => {
  const context = lambdaContext(settings.functionName, settings.timeoutMs);
  const messageIds = event.Records.map((record) => record.messageId);
  const logKeys = { functionName: settings.functionName, queueArn: settings.queueArn, messageIds };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), settings.timeoutMs);
  });
  try {
    const answer = await Promise.race([
      Promise.resolve().then(() => settings.handler(event, context)),
      timedOut,
    ]);
    if (answer === TIMED_OUT) {
      logger.error('Handler timed out; the whole batch will be retried', {
        ...logKeys,
        timeoutMs: settings.timeoutMs,
      });
      return 'all';
    }
    const parsed = batchResponseSchema.safeParse(answer);
    if (!parsed.success) {
      logger.error('Handler answered an invalid batch response; the whole batch will be retried', logKeys);
      return 'all';
    }
    const failures = parsed.data?.batchItemFailures ?? [];
    const known = new Set(messageIds);
    if (failures.some((failure) => !known.has(failure.itemIdentifier))) {
      logger.error(
        'Handler reported a failure for a message not in the batch; the whole batch will be retried',
        logKeys,
      );
      return 'all';
    }
    return new Set(failures.map((failure) => failure.itemIdentifier));
  } catch (error) {
    logger.error('Handler failed; the whole batch will be retried', { ...logKeys, error: describe(error) });
    return 'all';
  } finally {
    clearTimeout(timer);
  }
};

/** The record Lambda builds from a received message (attribute names as in `@types/aws-lambda`). */
const toRecord = (message: Message, settings: Settings): SQSRecord => {
  const received = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: received.ApproximateReceiveCount ?? '1',
    SentTimestamp: received.SentTimestamp ?? '',
    SenderId: received.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: received.ApproximateFirstReceiveTimestamp ?? '',
    ...(received.AWSTraceHeader !== undefined && { AWSTraceHeader: received.AWSTraceHeader }),
    ...(received.DeadLetterQueueSourceArn !== undefined && {
      DeadLetterQueueSourceArn: received.DeadLetterQueueSourceArn,
    }),
  };
  const messageAttributes = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]): [string, SQSMessageAttribute] => [
      name,
      {
        ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
        ...(value.BinaryValue !== undefined && {
          binaryValue: Buffer.from(value.BinaryValue).toString('base64'),
        }),
        stringListValues: value.StringListValues ?? [],
        binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString('base64')),
        dataType: value.DataType ?? 'String',
      },
    ]),
  );
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes,
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes !== undefined && {
      md5OfMessageAttributes: message.MD5OfMessageAttributes,
    }),
    eventSource: 'aws:sqs',
    eventSourceARN: settings.queueArn,
    awsRegion: settings.awsRegion,
  };
};

/** Name, code and message of a failure: enough to act on, without a record body or a stack. */
const describe = (error: unknown): { name: string; code?: string; message: string } => {
  if (!(error instanceof Error)) return { name: 'NonError', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, ...(typeof code === 'string' && { code }), message: error.message };
};

const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  sleep(ms, undefined, { signal }).catch(() => undefined);

const isIntegerIn = (value: number, min: number, max: number): boolean =>
  Number.isInteger(value) && value >= min && value <= max;
