/**
 * `npx tsx scripts/offline-smoke.ts`: a replica request reaches READY through `serverless offline`.
 *
 * Starts the local stack (Tencent emulator, dynalite, the SQS server, the queue consumers) in a temporary
 * folder, then `serverless offline --localEnvironment` on the default stage (`local`) with the stack's
 * endpoints in its environment, so the HTTP API that serverless-offline emulates runs the ingest bundle
 * exactly as Lambda would. The request goes in through serverless-offline, the stack's consumers carry it
 * to READY, and its status is read back through serverless-offline. Exits 0 on READY.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMULATOR_CREDENTIALS } from '@replica-flow/tencent-emulator/credentials.ts';
import { apiClient, followRequest } from '#local/cli/api-client.ts';
import { startLocalStack } from '#local/stack/local-stack.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVERLESS = path.join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');
const API_KEY = 'rf_offline_smoke_key_0123456789';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Resolves once the child prints `Server ready`; rejects when it exits first or after `timeoutMs`. */
const serverReady = (child: ChildProcess, timeoutMs: number) =>
  new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`serverless offline not ready in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Server ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serverless offline exited (${code}):\n${output}`));
    });
  });

/** Stops the child and everything it started (its process group), waiting for it to exit. */
const stopChild = async (child: ChildProcess) => {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
};

export const offlineSmoke = async (): Promise<{ requestId: string; state: string; seconds: number }> => {
  const started = Date.now();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'replica-flow-offline-'));
  const stack = await startLocalStack({ dataDir, pollIntervalMs: 500 });
  let child: ChildProcess | undefined;
  try {
    const [httpPort, lambdaPort] = [await freePort(), await freePort()];
    const emulator = new URL(stack.emulatorUrl ?? '');
    child = spawn(
      process.execPath,
      [
        SERVERLESS,
        'offline',
        '--localEnvironment',
        '--noSponsor',
        '--httpPort',
        String(httpPort),
        '--lambdaPort',
        String(lambdaPort),
      ],
      {
        cwd: ROOT,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          CI: 'true',
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN',
          AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoUrl,
          AWS_ENDPOINT_URL_SQS: stack.sqsUrl,
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          TENCENT_ENDPOINT: emulator.host,
          TENCENT_PROTOCOL: 'http://',
          TENCENTCLOUD_SECRET_ID: EMULATOR_CREDENTIALS.secretId,
          TENCENTCLOUD_SECRET_KEY: EMULATOR_CREDENTIALS.secretKey,
          WEBHOOK_SIGNING_SECRET: stack.credentials.webhookSecret,
          REPLICA_FLOW_API_KEYS: `offline-smoke:${API_KEY}`,
        },
      },
    );
    await serverReady(child, 120_000);
    const api = apiClient(`http://127.0.0.1:${httpPort}`, API_KEY);
    const { requestId } = await api.submit(
      { MasterDBInstanceId: 'postgres-abcdef' },
      `offline-smoke-${Date.now()}`,
    );
    const view = await followRequest(api, requestId, { timeoutMs: 60_000, intervalMs: 250 });
    return { requestId, state: view.state, seconds: (Date.now() - started) / 1000 };
  } finally {
    if (child) await stopChild(child);
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await offlineSmoke();
  console.log(
    `${result.requestId} ${result.state} through serverless offline in ${result.seconds.toFixed(1)} s`,
  );
  process.exitCode = result.state === 'READY' ? 0 : 1;
}
