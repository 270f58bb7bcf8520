import { type RunningSqsServer, startSqsServer } from '@replica-flow/sqs-server/sqs-server.ts';
import { type DynaliteServer, startDynalite } from '#local/stack/dynalite-server.ts';
import { startWorkerService } from '#local/stack/worker-service.ts';

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
 * compiled). They then run on their own event loop, heap and garbage collector, on another core than
 * the functions calling them, as DynamoDB and SQS do.
 */
export const startServicesInWorker = async (
  options: LocalServicesOptions,
  workerFile: string,
): Promise<LocalServices> => {
  const service = await startWorkerService<{ dynamo: Endpoint; sqs: Endpoint }>(workerFile, {
    name: 'local services',
    workerData: options,
  });
  return { ...service.ready, close: () => service.close() };
};
