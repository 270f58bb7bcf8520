import type { MessageQueue, QueueName } from '#shared/ports/message-queue.ts';

/** A queue that sends nothing and records every message it was given. */
export const recordingQueue = () => {
  const sent: { readonly queue: QueueName; readonly body: unknown }[] = [];
  const queue: MessageQueue = {
    send: async (name, body) => {
      sent.push({ queue: name, body });
    },
    sendBatch: async (name, bodies) => {
      for (const body of bodies) sent.push({ queue: name, body });
    },
    delayRetry: async () => undefined,
  };
  return { queue, sent };
};
