'use strict';
// The three work queues and their dead-letter queues, from deploy/shape.yml (visibility timeout,
// maxReceiveCount), which the local stack reads too (local/stack/local-queues.ts).
// (CommonJS: osls loads resolvers with require.)
const { deploymentShape } = require('../shape.cjs');

/** Queue name in the shape → CloudFormation logical id prefix. */
const LOGICAL = { requests: 'Requests', create: 'Create', notify: 'Notify' };
const FOURTEEN_DAYS = 1209600; // the maximum retention, for dead letters

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const Resources = {};
  for (const [name, queue] of Object.entries(deploymentShape().queues)) {
    const id = LOGICAL[name];
    Resources[`${id}Queue`] = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: `replica-flow-${stage}-${name}`,
        VisibilityTimeout: queue.visibilityTimeout,
        SqsManagedSseEnabled: true,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [`${id}DeadLetterQueue`, 'Arn'] },
          maxReceiveCount: queue.maxReceiveCount,
        },
      },
    };
    Resources[`${id}DeadLetterQueue`] = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: `replica-flow-${stage}-${name}-dlq`,
        MessageRetentionPeriod: FOURTEEN_DAYS,
        SqsManagedSseEnabled: true,
      },
    };
  }
  return { Resources };
};
