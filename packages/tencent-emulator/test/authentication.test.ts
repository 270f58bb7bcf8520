import { describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '#emulator/credentials.ts';
import { startEmulator } from '#emulator/server.ts';
import { sdkClient, sdkFailure, UUID, useEmulator } from '#emulator-test/support/emulator-fixture.ts';
import { rawPost, signedPost, signedRequest } from '#emulator-test/support/raw-request.ts';

const emu = useEmulator();

const restoreEnv = (name: string, value: string | undefined): void => {
  if (value === undefined) Reflect.deleteProperty(process.env, name);
  else process.env[name] = value;
};

describe('TC3-HMAC-SHA256 authentication', () => {
  it('accepts the built-in test key pair signed by the unmodified SDK', async () => {
    const zones = await sdkClient(emu.current).DescribeZones({});

    expect(zones.ZoneSet?.map((z) => z.Zone)).toContain('ap-beijing-4');
    expect(zones.RequestId).toMatch(UUID);
  });

  it('accepts the key pair in TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY when both are set', async () => {
    const pair = {
      secretId: 'AKIDenvironmentPAIR00000000000000000',
      secretKey: 'environmentSecretKey000000000000',
    };
    const saved = { id: process.env.TENCENTCLOUD_SECRET_ID, key: process.env.TENCENTCLOUD_SECRET_KEY };
    process.env.TENCENTCLOUD_SECRET_ID = pair.secretId;
    process.env.TENCENTCLOUD_SECRET_KEY = pair.secretKey;
    const withEnv = await startEmulator();
    restoreEnv('TENCENTCLOUD_SECRET_ID', saved.id);
    restoreEnv('TENCENTCLOUD_SECRET_KEY', saved.key);
    try {
      const zones = await sdkClient(withEnv, { credential: pair }).DescribeZones({});
      const builtIn = await sdkClient(withEnv).DescribeZones({});

      expect(zones.TotalCount).toBeGreaterThan(0);
      expect(builtIn.TotalCount).toBe(zones.TotalCount);
    } finally {
      await withEnv.close();
    }
  });

  it('accepts a request carrying an STS token (X-TC-Token) signed with a known key', async () => {
    const zones = await sdkClient(emu.current, {
      credential: { ...EMULATOR_CREDENTIALS, token: 'sts-token' },
    }).DescribeZones({});

    expect(zones.TotalCount).toBeGreaterThan(0);
  });

  it('rejects a wrong SecretKey with AuthFailure.SignatureFailure', async () => {
    const error = await sdkFailure(
      sdkClient(emu.current, {
        credential: { ...EMULATOR_CREDENTIALS, secretKey: 'not-the-key' },
      }).DescribeZones({}),
    );

    expect(error.code).toBe('AuthFailure.SignatureFailure');
    expect(error.requestId).toMatch(UUID);
  });

  it('rejects an unknown SecretId with AuthFailure.SecretIdNotFound', async () => {
    const error = await sdkFailure(
      sdkClient(emu.current, { credential: { secretId: 'AKIDunknown', secretKey: 'x' } }).DescribeZones({}),
    );

    expect(error.code).toBe('AuthFailure.SecretIdNotFound');
    expect(error.message).toMatch(/SecretId is not found/);
  });

  it('rejects a body changed after signing with AuthFailure.SignatureFailure', async () => {
    const { headers } = signedRequest(emu.current, { body: '{"StorageType":"CLOUD_SSD"}' });

    const res = await rawPost(emu.current, headers, '{"StorageType":"CLOUD_HSSD"}');

    expect(res.status).toBe(200);
    expect(res.response.Error?.Code).toBe('AuthFailure.SignatureFailure');
  });

  it('rejects a timestamp more than 300 s from the server clock with AuthFailure.SignatureExpire', async () => {
    const res = await signedPost(emu.current, { timestamp: Math.floor(Date.now() / 1000) - 301 });

    expect(res.response.Error?.Code).toBe('AuthFailure.SignatureExpire');
  });

  it('accepts a correctly signed timestamp a little under five minutes old', async () => {
    const res = await signedPost(emu.current, { timestamp: Math.floor(Date.now() / 1000) - 290 });

    expect(res.response.Error).toBeUndefined();
  });

  it('rejects a credential-scope date that is not the UTC date of the timestamp', async () => {
    const { headers, body } = signedRequest(emu.current);
    const forged = headers.Authorization?.replace(/\/\d{4}-\d{2}-\d{2}\//, '/2001-01-01/') ?? '';

    const res = await rawPost(emu.current, { ...headers, Authorization: forged }, body);

    expect(res.response.Error?.Code).toBe('AuthFailure.SignatureFailure');
  });

  it.each([
    ['missing', null],
    ['garbage', 'Bearer hello'],
    [
      'TC3 without a signature',
      'TC3-HMAC-SHA256 Credential=AKID/2025-01-01/127/tc3_request, SignedHeaders=content-type;host',
    ],
    [
      'a scope without tc3_request',
      `TC3-HMAC-SHA256 Credential=${EMULATOR_CREDENTIALS.secretId}/2025-01-01/127/v4, SignedHeaders=content-type;host, Signature=${'a'.repeat(64)}`,
    ],
    [
      'SignedHeaders without host',
      `TC3-HMAC-SHA256 Credential=${EMULATOR_CREDENTIALS.secretId}/2025-01-01/127/tc3_request, SignedHeaders=content-type, Signature=${'a'.repeat(64)}`,
    ],
  ])(
    'rejects a %s Authorization header with AuthFailure.InvalidAuthorization',
    async (_case, authorization) => {
      const res = await signedPost(emu.current, { afterSigning: { Authorization: authorization } });

      expect(res.status).toBe(200);
      expect(res.response.Error?.Code).toBe('AuthFailure.InvalidAuthorization');
      expect(res.response.RequestId).toMatch(UUID);
    },
  );

  it('takes the service from the credential scope, whatever the endpoint made it', async () => {
    const res = await signedPost(emu.current, { service: 'postgres' });

    expect(res.response.Error).toBeUndefined();
  });

  it('verifies against the host without its port, as the SDK signs it', async () => {
    const { headers, body } = signedRequest(emu.current);

    const withOtherPort = await rawPost(emu.current, { ...headers, Host: '127.0.0.1:1' }, body);
    const withOtherHost = await rawPost(
      emu.current,
      { ...headers, Host: `localhost:${emu.current.port}` },
      body,
    );

    expect(withOtherPort.response.Error).toBeUndefined();
    expect(withOtherHost.response.Error?.Code).toBe('AuthFailure.SignatureFailure');
  });

  it('rejects a request without X-TC-Timestamp with MissingParameter', async () => {
    const res = await signedPost(emu.current, { afterSigning: { 'X-TC-Timestamp': null } });

    expect(res.response.Error?.Code).toBe('MissingParameter');
    expect(res.response.Error?.Message).toContain('`Timestamp`');
  });
});
