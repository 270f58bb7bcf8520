import { parentPort, Worker } from 'node:worker_threads';

/** A service running in a worker thread: what it announced once ready, and how to stop it. */
export interface WorkerService<Ready> {
  readonly ready: Ready;
  /** Asks the service to close, waits for it, and ends the thread. */
  close(): Promise<void>;
}

/**
 * Starts `workerFile` (compiled JavaScript: a worker runs no TypeScript unless a loader is registered
 * for it) and waits for its first message: `{ ready }` once it serves, or `{ error }`. The service
 * gets `workerData` and, when given, `env` as its own `process.env`. See `serveFromWorker`.
 */
export const startWorkerService = <Ready>(
  workerFile: string,
  options: { readonly name: string; readonly workerData: unknown; readonly env?: NodeJS.ProcessEnv },
): Promise<WorkerService<Ready>> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, {
      workerData: options.workerData,
      ...(options.env ? { env: options.env } : {}),
    });
    const failed = (error: Error) => {
      void worker.terminate();
      reject(error);
    };
    worker.once('error', failed);
    worker.once('exit', (code) => failed(new Error(`the ${options.name} worker exited with ${code}`)));
    worker.once('message', (message: { ready?: Ready; error?: string }) => {
      if (message.ready === undefined) {
        failed(new Error(`the ${options.name} worker could not start: ${message.error ?? 'no answer'}`));
        return;
      }
      worker.removeAllListeners('exit');
      worker.removeAllListeners('error');
      worker.on('error', () => undefined);
      resolve({
        ready: message.ready,
        close: () =>
          new Promise<void>((closed) => {
            worker.once('message', () => void worker.terminate().then(() => closed()));
            worker.once('exit', () => closed());
            worker.postMessage('close');
          }),
      });
    });
  });

/**
 * The worker's side: starts the service, announces `{ ready }` (or `{ error }`), and closes it on
 * the message 'close', answering 'closed'.
 */
export const serveFromWorker = async <Ready>(
  start: () => Promise<{ readonly ready: Ready; close(): Promise<void> }>,
): Promise<void> => {
  const port = parentPort;
  if (!port) throw new Error('this module runs only as a worker thread');
  try {
    const service = await start();
    port.on('message', (message: unknown) => {
      if (message === 'close') void service.close().finally(() => port.postMessage('closed'));
    });
    port.postMessage({ ready: service.ready });
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
};
