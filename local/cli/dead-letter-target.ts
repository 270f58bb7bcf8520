import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { UsageError } from '#local/cli/cli-flags.ts';
import { readStackFile } from '#local/cli/stack-file.ts';
import { LOCAL_DYNAMO_CLIENT_CONFIG } from '#local/stack/dynalite-server.ts';
import { SqsDeadLetterQueues } from '#shared/adapters/queue/sqs-dead-letter-queues.ts';
import { SqsMessageQueue } from '#shared/adapters/queue/sqs-message-queue.ts';
import { DynamoRequestStore } from '#shared/adapters/store/dynamo-request-store.ts';
import type { DeadLetterQueues } from '#shared/ports/dead-letter-queues.ts';
import type { MessageQueue, QueueName } from '#shared/ports/message-queue.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';

export const QUEUE_NAMES: readonly QueueName[] = ['requests', 'create', 'notify'];

/** The flags every dead-letter command takes to find its queues and table. */
export const targetFlagOptions = {
  'data-dir': { type: 'string' },
  aws: { type: 'boolean' },
  stage: { type: 'string' },
  prefix: { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
} as const;

export const targetFlagsSchema = z.object({
  'data-dir': z.string().default(process.env.REPLICA_FLOW_DATA_DIR ?? '.data'),
  aws: z.boolean().optional(),
  stage: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/)
    .optional(),
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
  table: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
});

export type TargetFlags = z.infer<typeof targetFlagsSchema>;

/** Where the dead-letter commands act: the queues, their dead-letter queues and the request table. */
export interface DeadLetterTarget {
  readonly where: string;
  readonly deadLetters: DeadLetterQueues;
  readonly queue: MessageQueue;
  readonly store: Pick<RequestStore, 'get' | 'update' | 'acquireLock' | 'releaseLock'>;
  close(): void;
}

const LOCAL_AWS = {
  region: LOCAL_DYNAMO_CLIENT_CONFIG.region,
  credentials: LOCAL_DYNAMO_CLIENT_CONFIG.credentials,
};

/**
 * Locally (the default): the running stack's SQS server and dynalite, found in `<data-dir>/stack.json`,
 * queues `replica-flow-<queue>` and `replica-flow-<queue>-dlq`, table `replica-flow`. With `--aws`: the
 * default AWS credential chain and region (or `--region`), queues `<prefix>-<queue>[-dlq]` where the
 * prefix is `--prefix` or `replica-flow-<stage>` (`--stage`, REPLICA_FLOW_STAGE), table `--table`,
 * TABLE_NAME or the prefix. Any queue URL can also come from `<QUEUE>_QUEUE_URL` / `<QUEUE>_DLQ_URL`
 * (e.g. NOTIFY_DLQ_URL), as the functions read them. The same SQS calls either way.
 */
export const resolveDeadLetterTarget = async (
  flags: TargetFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DeadLetterTarget> => {
  let sqs: SQSClient;
  let dynamo: DynamoDBClient;
  let prefix: string;
  let table: string;
  let where: string;
  if (flags.aws) {
    const stage = flags.stage ?? env.REPLICA_FLOW_STAGE;
    prefix = flags.prefix ?? (stage ? `replica-flow-${stage}` : '');
    if (!prefix) throw new UsageError('--aws needs --stage <stage> (or --prefix, or REPLICA_FLOW_STAGE)');
    table = flags.table ?? env.TABLE_NAME ?? prefix;
    const region = flags.region ? { region: flags.region } : {};
    sqs = new SQSClient(region);
    dynamo = new DynamoDBClient(region);
    where = `AWS (${prefix}-*, table ${table})`;
  } else {
    const stack = await readStackFile(flags['data-dir']);
    if (!stack) {
      throw new UsageError(
        `no running stack found in ${flags['data-dir']}: start one with \`npm start\`, or pass --aws --stage <stage>`,
      );
    }
    sqs = new SQSClient({ ...LOCAL_AWS, endpoint: stack.sqsUrl });
    dynamo = new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.dynamoUrl });
    prefix = 'replica-flow';
    table = flags.table ?? 'replica-flow';
    where = `local stack (${stack.sqsUrl})`;
  }
  const urlOf = async (variable: string, name: string): Promise<string> => {
    const given = env[variable];
    if (given) return given;
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    if (!QueueUrl) throw new UsageError(`queue ${name} not found`);
    return QueueUrl;
  };
  const queues = {} as Record<QueueName, { url: string; deadLetterUrl: string }>;
  for (const name of QUEUE_NAMES) {
    const upper = name.toUpperCase();
    queues[name] = {
      url: await urlOf(`${upper}_QUEUE_URL`, `${prefix}-${name}`),
      deadLetterUrl: await urlOf(`${upper}_DLQ_URL`, `${prefix}-${name}-dlq`),
    };
  }
  return {
    where,
    deadLetters: new SqsDeadLetterQueues({ client: sqs, queues }),
    queue: new SqsMessageQueue({
      client: sqs,
      queueUrls: { requests: queues.requests.url, create: queues.create.url, notify: queues.notify.url },
    }),
    store: new DynamoRequestStore({ client: dynamo, tableName: table }),
    close: () => {
      sqs.destroy();
      dynamo.destroy();
    },
  };
};
