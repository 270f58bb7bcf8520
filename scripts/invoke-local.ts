/**
 * `serverless invoke local --stage local` against the running local stack (`npm start`):
 *
 *   npx tsx scripts/invoke-local.ts -f ingest -p events/ingest-post-replica-request.json
 *
 * Reads the stack's endpoints from `<data dir>/stack.json` (REPLICA_FLOW_DATA_DIR, default .data)
 * and its webhook secret from `local-credentials.json`, sets the environment the deployed functions
 * get from AWS (SDK endpoints, Tencent emulator and its built-in key, plain secrets instead of SSM
 * parameter names), and runs osls with every other argument. docs/deploy.md shows the same by hand.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMULATOR_CREDENTIALS } from '@replica-flow/tencent-emulator/credentials.ts';
import { localApiKeysSetting } from '#local/stack/local-credentials.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVERLESS = path.join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');

/** The API key the sample events in events/ carry (a local-only key, accepted besides the stack's own). */
export const SAMPLE_EVENTS_API_KEY = 'rf_sample_events_key_0123456789';

interface StackFile {
  readonly emulatorUrl?: string;
  readonly sqsUrl: string;
  readonly dynamoUrl: string;
  readonly apiKey: string;
}

const readJson = async <T>(file: string, hint: string): Promise<T> => {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    throw new Error(`Cannot read ${file} (${hint})`, { cause: error });
  }
};

/** The environment `serverless invoke local --stage local` needs to reach the local stack. */
export const localStackEnvironment = async (dataDir: string): Promise<NodeJS.ProcessEnv> => {
  const stack = await readJson<StackFile>(path.join(dataDir, 'stack.json'), 'is `npm start` running?');
  const { webhookSecret } = await readJson<{ webhookSecret: string }>(
    path.join(dataDir, 'local-credentials.json'),
    'written by `npm start`',
  );
  if (!stack.emulatorUrl) throw new Error('The local stack drives live Tencent (no emulator); refusing');
  return {
    AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoUrl,
    AWS_ENDPOINT_URL_SQS: stack.sqsUrl,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    TENCENT_ENDPOINT: new URL(stack.emulatorUrl).host,
    TENCENT_PROTOCOL: 'http://',
    TENCENTCLOUD_SECRET_ID: EMULATOR_CREDENTIALS.secretId,
    TENCENTCLOUD_SECRET_KEY: EMULATOR_CREDENTIALS.secretKey,
    WEBHOOK_SIGNING_SECRET: webhookSecret,
    REPLICA_FLOW_API_KEYS: `${localApiKeysSetting(stack)},events:${SAMPLE_EVENTS_API_KEY}`,
    // As in the local stack: no EMF metric lines among the answer (the tracer never loads outside Lambda).
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dataDir = path.resolve(ROOT, process.env.REPLICA_FLOW_DATA_DIR ?? '.data');
  const env = { ...process.env, ...(await localStackEnvironment(dataDir)) };
  delete env.AWS_PROFILE;
  const args = [SERVERLESS, 'invoke', 'local', '--stage', 'local', ...process.argv.slice(2)];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
  child.on('close', (code) => {
    process.exitCode = code ?? 1;
  });
}
