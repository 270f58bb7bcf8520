import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SEED_EXAMPLE_1_BODY, SEED_EXAMPLE_REGION } from '@replica-flow/tencent-emulator/seed-example.ts';
import { apiClient, followRequest, timelineLine } from '#local/cli/api-client.ts';
import { startLocalStack } from '#local/stack/local-stack.ts';
import { startWebhookReceiver } from '#local/stack/webhook-receiver.ts';

/** The seed page's Example 1, plus the region the page's example lives in. */
export const SEED_EXAMPLE_REQUEST = { ...SEED_EXAMPLE_1_BODY, Region: SEED_EXAMPLE_REGION } as const;

/**
 * `replica-flow demo`: starts a throw-away stack, submits the seed example with a callback to a
 * local receiver, prints the timeline and the verified webhook, and exits 0 only if it arrived.
 */
export const demoCommand = async (_argv: readonly string[] = []): Promise<number> => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'replica-flow-demo-'));
  const stack = await startLocalStack({ dataDir, pollIntervalMs: 1000 });
  const receiver = await startWebhookReceiver(stack.credentials.webhookSecret);
  try {
    const client = apiClient(stack.ingressUrl, stack.credentials.apiKey);
    const started = Date.now();
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(`local stack up: API ${stack.ingressUrl}, Tencent emulator ${stack.emulatorUrl}`);
    out(
      `submitting the seed example: a replica of ${SEED_EXAMPLE_REQUEST.MasterDBInstanceId} in ${SEED_EXAMPLE_REQUEST.Zone}`,
    );
    const answer = await client.submit(
      { ...SEED_EXAMPLE_REQUEST, callback: { url: receiver.url } },
      `demo-${started}`,
    );
    out(`queued: ${answer.requestId}`);
    const view = await followRequest(client, answer.requestId, {
      timeoutMs: 120_000,
      intervalMs: 250,
      onHistory: (entry) => out(timelineLine(entry, started)),
    });
    const webhook = await receiver.waitFor(answer.requestId, 30_000);
    out(
      `webhook ${webhook.payload.type} received and verified (webhook-id ${webhook.id}, signature checked with standardwebhooks):`,
    );
    out(JSON.stringify(webhook.payload, null, 2));
    return view.state === 'READY' && webhook.payload.type === 'replica.ready' ? 0 : 1;
  } finally {
    await receiver.close();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
};
