import { EMULATOR_CREDENTIALS } from '@replica-flow/tencent-emulator/credentials.ts';
import { type RunningEmulator, startEmulator } from '@replica-flow/tencent-emulator/server.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRuntimeEnvironment } from '#shared/config/runtime-config.ts';
import { secretsFrom } from '#shared/config/secrets.ts';
import { tencentReaderFrom } from '#shared/config/tencent-reader-adapter-builder.ts';

/** ingest's Tencent client (the fleet view): the read-only key, the real SDK, built at its first call. */
describe('the read-only Tencent client of ingest', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('takes the reader key when the function has no other, and asks Tencent only at its first call', async () => {
    const env = readRuntimeEnvironment({
      TENCENT_ENDPOINT: emulator.endpoint,
      TENCENT_PROTOCOL: 'http://',
    });
    const secrets = secretsFrom({
      TENCENTCLOUD_READER_SECRET_ID: EMULATOR_CREDENTIALS.secretId,
      TENCENTCLOUD_READER_SECRET_KEY: EMULATOR_CREDENTIALS.secretKey,
    });

    const port = await tencentReaderFrom(env, secrets);
    const before = emulator.calls().total;
    const answer = await port.describeDBInstances('ap-beijing', {
      Filters: [{ Name: 'db-instance-id', Values: ['postgres-abcdef'] }],
    });

    expect(before).toBe(0);
    expect(answer.DBInstanceSet?.map((instance) => instance.DBInstanceId)).toEqual(['postgres-abcdef']);
  });
});
