import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaIngestDependencies } from '#functions/ingest.deps.ts';
import { readRuntimeEnvironment } from '#shared/config/runtime-config.ts';
import { loadSecrets } from '#shared/config/secrets.ts';

const env = readRuntimeEnvironment({
  REQUESTS_QUEUE_URL: 'http://127.0.0.1:9324/000000000000/replica-flow-requests',
  CREATE_QUEUE_URL: 'http://127.0.0.1:9324/000000000000/replica-flow-create',
  NOTIFY_QUEUE_URL: 'http://127.0.0.1:9324/000000000000/replica-flow-notify',
  POLICY_FILE: 'policy/default.yaml',
});
const secrets = () => loadSecrets({ REPLICA_FLOW_API_KEYS: 'platform:key-from-env-0123456789' });

afterEach(() => {
  vi.unstubAllEnvs();
});

// Its own file: the Lambda case loads the X-Ray SDK, which patches `http` in the process that loads it.
describe('a deployed function’s telemetry', () => {
  it('records metrics, and has no tracer outside Lambda', async () => {
    vi.stubEnv('AWS_EXECUTION_ENV', '');
    const deps = await lambdaIngestDependencies(env, await secrets());

    expect(deps.metrics).toBeDefined();
    expect(deps.tracing).toBeUndefined();
  });

  it('has a tracer in Lambda, whose spans never break the work they wrap, even with no segment open', async () => {
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs22.x');
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'true');
    const deps = await lambdaIngestDependencies(env, await secrets());

    expect(deps.tracing).toBeDefined();
    await expect(
      deps.tracing?.span('Tencent DescribeZones', { action: 'DescribeZones' }, async () => 42),
    ).resolves.toBe(42);
    await expect(
      deps.tracing?.span('Tencent DescribeZones', { action: 'DescribeZones' }, async () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
  });
});
