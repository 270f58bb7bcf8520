import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueNameExists,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { deploymentShape } from '#local/stack/deployment-shape.ts';
import type { QueueName } from '#shared/ports/message-queue.ts';

export interface LocalQueue {
  readonly name: QueueName;
  readonly url: string;
  readonly arn: string;
  readonly deadLetterUrl: string;
  readonly deadLetterArn: string;
}

/**
 * Each work queue with its dead-letter queue, as deployed: visibility timeout and maxReceiveCount come
 * from deploy/shape.yml, which serverless.yml reads too.
 */
export const localQueueSettings = (): Record<
  QueueName,
  { readonly visibilityTimeout: number; readonly maxReceiveCount: number }
> => {
  const { queues } = deploymentShape();
  return {
    requests: {
      visibilityTimeout: queues.requests.visibilityTimeout,
      maxReceiveCount: queues.requests.maxReceiveCount,
    },
    create: {
      visibilityTimeout: queues.create.visibilityTimeout,
      maxReceiveCount: queues.create.maxReceiveCount,
    },
    notify: {
      visibilityTimeout: queues.notify.visibilityTimeout,
      maxReceiveCount: queues.notify.maxReceiveCount,
    },
  };
};

const arnOf = async (client: SQSClient, url: string): Promise<string> => {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${url} has no ARN`);
  return arn;
};

/**
 * Creates a queue, or (a data folder made with other settings) brings the existing one to these
 * attributes, as a deploy updates a deployed queue.
 */
const createOrUpdateQueue = async (
  client: SQSClient,
  queueName: string,
  attributes: Record<string, string>,
): Promise<{ QueueUrl?: string | undefined }> => {
  try {
    return await client.send(new CreateQueueCommand({ QueueName: queueName, Attributes: attributes }));
  } catch (error) {
    if (!(error instanceof QueueNameExists)) throw error;
    const existing = await client.send(new GetQueueUrlCommand({ QueueName: queueName }));
    await client.send(new SetQueueAttributesCommand({ QueueUrl: existing.QueueUrl, Attributes: attributes }));
    return existing;
  }
};

/** Creates (or finds, on restart) the three queues and their dead-letter queues. */
export const ensureLocalQueues = async (
  client: SQSClient,
  prefix = 'replica-flow',
): Promise<Record<QueueName, LocalQueue>> => {
  const queues = {} as Record<QueueName, LocalQueue>;
  const allSettings = localQueueSettings();
  for (const name of Object.keys(allSettings) as QueueName[]) {
    const settings = allSettings[name];
    const dlq = await client.send(new CreateQueueCommand({ QueueName: `${prefix}-${name}-dlq` }));
    const deadLetterUrl = dlq.QueueUrl ?? '';
    const deadLetterArn = await arnOf(client, deadLetterUrl);
    const attributes = {
      VisibilityTimeout: String(settings.visibilityTimeout),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: deadLetterArn,
        maxReceiveCount: settings.maxReceiveCount,
      }),
    };
    const queue = await createOrUpdateQueue(client, `${prefix}-${name}`, attributes);
    const url = queue.QueueUrl ?? '';
    queues[name] = { name, url, arn: await arnOf(client, url), deadLetterUrl, deadLetterArn };
  }
  return queues;
};
