import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apiClient } from '#local/cli/api-client.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '#local/stack/local-stack.ts';
import { startWebhookReceiver, type WebhookReceiver } from '#local/stack/webhook-receiver.ts';

export interface StackFixture {
  readonly stack: LocalStack;
  readonly receiver: WebhookReceiver;
  readonly api: ReturnType<typeof apiClient>;
  /** The temporary folder holding the stack's state (removed by `close`). */
  readonly dataDir: string;
  /** POSTs raw bytes to the API with the development key unless `headers.authorization` says otherwise. */
  post(pathname: string, body: string | Buffer, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** A whole local stack in a temporary folder, plus a verifying webhook receiver. */
export const startStackFixture = async (options: Partial<LocalStackOptions> = {}): Promise<StackFixture> => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'replica-flow-e2e-'));
  const stack = await startLocalStack({ dataDir, pollIntervalMs: 500, ...options });
  const receiver = await startWebhookReceiver(stack.credentials.webhookSecret);
  return {
    stack,
    receiver,
    api: apiClient(stack.ingressUrl, stack.credentials.apiKey),
    dataDir,
    post: (pathname, body, headers = {}) =>
      fetch(new URL(pathname, stack.ingressUrl), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${stack.credentials.apiKey}`,
          'content-type': 'application/json',
          ...headers,
        },
        body,
      }),
    close: async () => {
      await receiver.close();
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};
