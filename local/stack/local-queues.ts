import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_NOTIFY_MAX_RECEIVE_COUNT } from '#shared/config/reliability-environment.ts';
import type { QueueName } from '#shared/ports/message-queue.ts';

export interface LocalQueue {
  readonly name: QueueName;
  readonly url: string;
  readonly arn: string;
  readonly deadLetterUrl: string;
  readonly deadLetterArn: string;
}

/** Each work queue with its dead-letter queue, as serverless.yml declares them in AWS. */
const QUEUE_SETTINGS: Record<
  QueueName,
  { readonly visibilityTimeout: number; readonly maxReceiveCount: number }
> = {
  requests: { visibilityTimeout: 30, maxReceiveCount: 5 },
  create: { visibilityTimeout: 60, maxReceiveCount: 10 },
  // Webhook retries back off through this queue for the whole retry window: the notify function
  // spreads its retries over this many receives (Settings.notifyMaxReceiveCount).
  notify: { visibilityTimeout: 30, maxReceiveCount: DEFAULT_NOTIFY_MAX_RECEIVE_COUNT },
};

const arnOf = async (client: SQSClient, url: string): Promise<string> => {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${url} has no ARN`);
  return arn;
};

/** Creates (or finds, on restart) the three queues and their dead-letter queues. */
export const ensureLocalQueues = async (
  client: SQSClient,
  prefix = 'replica-flow',
): Promise<Record<QueueName, LocalQueue>> => {
  const queues = {} as Record<QueueName, LocalQueue>;
  for (const name of Object.keys(QUEUE_SETTINGS) as QueueName[]) {
    const settings = QUEUE_SETTINGS[name];
    const dlq = await client.send(new CreateQueueCommand({ QueueName: `${prefix}-${name}-dlq` }));
    const deadLetterUrl = dlq.QueueUrl ?? '';
    const deadLetterArn = await arnOf(client, deadLetterUrl);
    const queue = await client.send(
      new CreateQueueCommand({
        QueueName: `${prefix}-${name}`,
        Attributes: {
          VisibilityTimeout: String(settings.visibilityTimeout),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: deadLetterArn,
            maxReceiveCount: settings.maxReceiveCount,
          }),
        },
      }),
    );
    const url = queue.QueueUrl ?? '';
    queues[name] = { name, url, arn: await arnOf(client, url), deadLetterUrl, deadLetterArn };
  }
  return queues;
};
