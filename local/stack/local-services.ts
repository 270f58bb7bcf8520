import { Worker } from 'node:worker_threads';
import { type RunningSqsServer, startSqsServer } from '#local/sqs-server/sqs-server.ts';
import { type DynaliteServer, startDynalite } from '#local/stack/dynalite-server.ts';

export interface LocalServicesOptions {
  /** Without `dataDir`, in memory. */
  readonly dynamo: { readonly port: number; readonly dataDir?: string; readonly tableName: string };
  readonly sqs: { readonly port: number; readonly dataDir?: string };
}

interface Endpoint {
  readonly url: string;
  readonly port: number;
}

/** The stack's stand-ins for DynamoDB and SQS, wherever they run. */
export interface LocalServices {
  readonly dynamo: Endpoint;
  readonly sqs: Endpoint;
  /** Closes both (and ends their thread, if they have one). */
  close(): Promise<void>;
}

/** dynalite and the SQS server in this thread. */
export const startServicesHere = async (options: LocalServicesOptions): Promise<LocalServices> => {
  const dynamo: DynaliteServer = await startDynalite(options.dynamo);
  let sqs: RunningSqsServer;
  try {
    sqs = await startSqsServer(options.sqs);
  } catch (error) {
    await dynamo.close().catch(() => undefined);
    throw error;
  }
  return {
    dynamo,
    sqs,
    close: async () => {
      await sqs.close();
      await dynamo.close();
    },
  };
};

/**
 * dynalite and the SQS server in a worker thread started from `workerFile` (`services-worker.ts`,
 * compiled: a worker runs plain JavaScript unless a loader is registered for it). They then run on
 * their own event loop, heap and garbage collector, on another core than the functions calling
 * them, as DynamoDB and SQS do: the bench's burst measured the stack's own speed, not one thread's.
 */
export const startServicesInWorker = (
  options: LocalServicesOptions,
  workerFile: string,
): Promise<LocalServices> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: options });
    const failed = (error: Error) => {
      void worker.terminate();
      reject(error);
    };
    worker.once('error', failed);
    worker.once('exit', (code) => failed(new Error(`the local services worker exited with ${code}`)));
    worker.once('message', (message: { dynamo?: Endpoint; sqs?: Endpoint; error?: string }) => {
      if (!message.dynamo || !message.sqs) {
        failed(new Error(`the local services worker could not start: ${message.error ?? 'no endpoints'}`));
        return;
      }
      worker.removeAllListeners('exit');
      worker.removeAllListeners('error');
      worker.on('error', () => undefined);
      resolve({
        dynamo: message.dynamo,
        sqs: message.sqs,
        close: () =>
          new Promise<void>((closed) => {
            worker.once('message', () => void worker.terminate().then(() => closed()));
            worker.once('exit', () => closed());
            worker.postMessage('close');
          }),
      });
    });
  });
