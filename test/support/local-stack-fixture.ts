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

/**
 * The emulator's timings for end-to-end tests that bring no world of their own: a replica is listed
 * 300 ms after its create and runs 1.2 s after it (the default world: 1 s and 3 s); isolation, group
 * tasks and destruction take a few hundred ms. The workflow is the same; each create-to-READY test
 * waits about 2 s less. Provisioning stays longer than the 1-s window in which validate shares a
 * primary's answer (`INSTANCE_ANSWER_MS`, catalog-cache.ts), as it always is against Tencent: a
 * replica never runs inside the window its own validation counted in. Tests about timings bring
 * their own world (create-faults) or timings.
 */
export const E2E_TIMINGS = {
  orderVisibleAfterMs: 200,
  listedAfterMs: 300,
  applyingMs: 500,
  initingMs: 700,
  isolatingMs: 300,
  offliningMs: 200,
  groupTaskMs: 300,
} as const;

/** A whole local stack in a temporary folder, plus a verifying webhook receiver. */
export const startStackFixture = async (options: Partial<LocalStackOptions> = {}): Promise<StackFixture> => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'replica-flow-e2e-'));
  const stack = await startLocalStack({
    dataDir,
    pollIntervalMs: 500,
    ...(options.world ? {} : { emulatorTimings: E2E_TIMINGS }),
    ...options,
  });
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
