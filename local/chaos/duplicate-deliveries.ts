import { randomUUID } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import { buildCreateHandler } from '#functions/create.ts';
import { buildValidateHandler } from '#functions/validate.ts';
import type { ChaosRandom } from '#local/chaos/chaos-random.ts';
import { lambdaContext } from '#local/stack/lambda-context.ts';
import type { LocalStack } from '#local/stack/local-stack.ts';
import type { CreateDependencies } from '#shared/use-cases/create-replica.ts';

/** An SQS event holding `copies` deliveries of one message, as Lambda's event source builds it. */
export const sqsEventOf = (body: unknown, copies: number, queueArn: string): SQSEvent => ({
  Records: Array.from({ length: copies }, (_, index) => ({
    messageId: randomUUID(),
    receiptHandle: `chaos-duplicate-${randomUUID()}-${index}`,
    body: JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'chaos',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'ap-southeast-1',
  })),
});

export interface DuplicateDeliveries {
  /** Extra copies on the queues, and concurrent direct invocations of validate and create. */
  deliver(requestId: string): Promise<void>;
  readonly counts: () => { readonly queuedCopies: number; readonly concurrentInvocations: number };
}

/**
 * At-least-once delivery at its worst: the same requests and create messages sent again, and the
 * validate and create handlers invoked directly, twice at once, each with two copies of the message
 * in one batch (as `test/e2e/workflow.test.ts` does), while the stack's own consumers run too.
 * Direct invocations carry made-up receipt handles, so a retry they ask for fails harmlessly.
 */
export const duplicateDeliveries = (
  stack: LocalStack,
  hooks: Pick<CreateDependencies, 'afterCall'>,
  random: ChaosRandom,
): DuplicateDeliveries => {
  const create = buildCreateHandler(stack.dependencies, hooks);
  const validate = buildValidateHandler(stack.dependencies);
  let queuedCopies = 0;
  let concurrentInvocations = 0;
  return {
    deliver: async (requestId) => {
      if (random.chance(0.5)) {
        await stack.dependencies.queue.sendBatch('requests', [{ requestId }]);
        await stack.dependencies.queue.sendBatch('create', [{ requestId }, { requestId }]);
        queuedCopies += 3;
        return;
      }
      concurrentInvocations += 3;
      await Promise.allSettled([
        validate(sqsEventOf({ requestId }, 2, stack.queues.requests.arn), lambdaContext('validate')),
        create(sqsEventOf({ requestId }, 2, stack.queues.create.arn), lambdaContext('create')),
        create(sqsEventOf({ requestId }, 2, stack.queues.create.arn), lambdaContext('create')),
      ]);
    },
    counts: () => ({ queuedCopies, concurrentInvocations }),
  };
};
