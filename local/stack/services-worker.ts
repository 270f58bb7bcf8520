// The local stack's DynamoDB (dynalite) and SQS servers in a worker thread of their own (the bench):
// started by `startServicesInWorker` (local-services.ts) with `LocalServicesOptions` as workerData.
import { workerData } from 'node:worker_threads';
import { type LocalServicesOptions, startServicesHere } from '#local/stack/local-services.ts';
import { serveFromWorker } from '#local/stack/worker-service.ts';

await serveFromWorker(async () => {
  const services = await startServicesHere(workerData as LocalServicesOptions);
  return {
    ready: {
      dynamo: { url: services.dynamo.url, port: services.dynamo.port },
      sqs: { url: services.sqs.url, port: services.sqs.port },
    },
    close: () => services.close(),
  };
});
