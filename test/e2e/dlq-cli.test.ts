import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_EXAMPLE_REQUEST } from '#local/cli/demo-command.ts';
import { writeStackFile } from '#local/cli/stack-file.ts';
import type { RequestRecord } from '#shared/domain/request-record.ts';
import { ConcurrentUpdateError } from '#shared/errors.ts';
import type { DeadLetterQueues } from '#shared/ports/dead-letter-queues.ts';
import { type StackFixture, startStackFixture } from '#test/support/local-stack-fixture.ts';

const run = promisify(execFile);

/** Runs `npx replica-flow …` (bin/replica-flow.js) and answers its exit code and output. */
const cli = async (args: string[], env: Record<string, string> = {}) => {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/replica-flow.js', ...args], {
      env: { ...process.env, LOG_LEVEL: 'SILENT', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
};

describe('replica-flow dlq list / dlq redrive / redrive', () => {
  let fixture: StackFixture;
  let dataDir: string;
  let deadLetters: DeadLetterQueues;

  beforeAll(async () => {
    fixture = await startStackFixture({ pollIntervalMs: 300 });
    dataDir = fixture.dataDir;
    await writeStackFile(dataDir, {
      ingressUrl: fixture.stack.ingressUrl,
      sqsUrl: fixture.stack.sqsUrl,
      dynamoUrl: fixture.stack.dynamoUrl,
      apiKey: fixture.stack.credentials.apiKey,
      pid: process.pid,
    });
    const configured = fixture.stack.dependencies.deadLetters;
    if (!configured) throw new Error('the local stack has no dead-letter queues');
    deadLetters = configured;
  });
  afterAll(async () => {
    await fixture?.close();
  });

  /** A READY request whose webhook was not delivered in its window: UNDELIVERED, its message dead-lettered. */
  const undeliveredRequest = async (): Promise<RequestRecord> => {
    fixture.receiver.outage(60_000);
    const answer = await fixture.api.submit(
      { ...SEED_EXAMPLE_REQUEST, callback: { url: fixture.receiver.url } },
      `cli-${randomUUID()}`,
    );
    const store = fixture.stack.dependencies.store;
    for (let tries = 0; tries < 150; tries += 1) {
      const record = await store.get(answer.requestId);
      if (record?.notification?.status === 'ENQUEUED' || record?.notification?.status === 'UNDELIVERED') {
        // Simulate the end of the 24 h window: the notification as notify leaves it, and its message in the DLQ.
        const undelivered = await store
          .update({
            requestId: record.requestId,
            expectedVersion: record.version,
            state: record.state,
            set: { notification: { ...record.notification, status: 'UNDELIVERED' } },
            at: new Date().toISOString(),
          })
          .catch((error: unknown) => {
            // notify recorded a failed attempt at the same moment: read again and retry.
            if (error instanceof ConcurrentUpdateError) return undefined;
            throw error;
          });
        if (!undelivered) continue;
        await deadLetters.send(
          'notify',
          JSON.stringify({
            requestId: record.requestId,
            type: record.notification.type,
            webhookId: record.notification.webhookId,
          }),
          'not delivered within the 1440 min retry window',
        );
        return undelivered;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('the request never reached its notification');
  };

  it('lists each dead-letter queue with its messages, their requests and the reason, as JSON', async () => {
    const record = await undeliveredRequest();

    const listed = await cli(['dlq', 'list', '--data-dir', dataDir, '--json']);
    const report = JSON.parse(listed.stdout) as {
      queues: {
        queue: string;
        depth: number;
        deadLetters: { requestId: string; reason: string; notification: string }[];
      }[];
    };

    expect(listed.code).toBe(0);
    expect(report.queues.map((queue) => queue.queue)).toEqual(['requests', 'create', 'notify']);
    expect(report.queues.find((queue) => queue.queue === 'notify')?.deadLetters).toContainEqual(
      expect.objectContaining({
        requestId: record.requestId,
        reason: 'not delivered within the 1440 min retry window',
        notification: 'UNDELIVERED',
      }),
    );
  });

  it('redrive notify resets the UNDELIVERED notification, moves the message back and the webhook arrives', async () => {
    const record = await undeliveredRequest();
    fixture.receiver.outage(0);

    const redriven = await cli(['redrive', 'notify', '--data-dir', dataDir, '--wait', '--json']);
    const webhook = await fixture.receiver.waitFor(record.requestId, 20_000);
    const result = JSON.parse(redriven.stdout) as { notificationsReset: number; move: { status: string } };

    expect(redriven.code).toBe(0);
    expect(result.notificationsReset).toBeGreaterThanOrEqual(1);
    expect(result.move.status).toBe('COMPLETED');
    expect(webhook.id).toBe(record.notification?.webhookId);
  });

  it('works with --aws against any SQS endpoint: the default credential chain, queue URLs from the environment', async () => {
    const { queues } = fixture.stack;
    const env = {
      AWS_ENDPOINT_URL_SQS: fixture.stack.sqsUrl,
      AWS_ENDPOINT_URL_DYNAMODB: fixture.stack.dynamoUrl,
      AWS_REGION: 'ap-southeast-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      TABLE_NAME: 'replica-flow',
      NOTIFY_DLQ_URL: queues.notify.deadLetterUrl,
    };

    // Queue names from --prefix (GetQueueUrl), one URL from NOTIFY_DLQ_URL.
    const listed = await cli(['dlq', 'list', '--aws', '--prefix', 'replica-flow', '--json'], env);

    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).where).toMatch(/^AWS/);
  });

  it('refuses a queue it does not know, and --aws without a stage', async () => {
    const unknown = await cli(['dlq', 'redrive', 'elsewhere', '--data-dir', dataDir]);
    const noStage = await cli(['dlq', 'list', '--aws'], { REPLICA_FLOW_STAGE: '' });

    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/requests\|create\|notify/);
    expect(noStage.code).toBe(2);
    expect(noStage.stderr).toMatch(/--stage/);
  });
});
