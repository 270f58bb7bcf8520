// The local stack's DynamoDB (dynalite) and SQS servers in a worker thread of their own:
//   new Worker(<this file, compiled>, { workerData: LocalServicesOptions })
// Posts `{ dynamo: {url, port}, sqs: {url, port} }` once both listen (or `{ error }`); on the message
// 'close' closes both and posts 'closed'. See local-services.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { type LocalServicesOptions, startServicesHere } from '#local/stack/local-services.ts';

const port = parentPort;
if (!port) throw new Error('services-worker.ts runs only as a worker thread');

try {
  const services = await startServicesHere(workerData as LocalServicesOptions);
  port.on('message', (message: unknown) => {
    if (message !== 'close') return;
    void services.close().finally(() => port.postMessage('closed'));
  });
  port.postMessage({
    dynamo: { url: services.dynamo.url, port: services.dynamo.port },
    sqs: { url: services.sqs.url, port: services.sqs.port },
  });
} catch (error) {
  port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
