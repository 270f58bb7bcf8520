import http from 'node:http';
import net from 'node:net';
import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_client.js';
import { describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '#emulator/credentials.ts';
import {
  sdkClient,
  sdkFailure,
  seedCreateRequest,
  UUID,
  useEmulator,
} from '#emulator-test/support/emulator-fixture.ts';
import { rawPost, signedPost, signedRequest } from '#emulator-test/support/raw-request.ts';

const emu = useEmulator();

/** Sends raw bytes on a socket and returns whatever comes back before the server hangs up. */
const rawSocket = (port: number, bytes: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });

describe('Tencent Cloud API 3.0 envelope', () => {
  it('answers success as HTTP 200 with Response.RequestId and an X-TC-TraceId header', async () => {
    const res = await signedPost(emu.current, { afterSigning: { 'X-TC-TraceId': 'trace-abc-123' } });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-tc-traceid']).toBe('trace-abc-123');
    expect(res.response.RequestId).toMatch(UUID);
    expect(res.response.Error).toBeUndefined();
  });

  it('answers errors as HTTP 200 with Error.Code, Error.Message and a RequestId the SDK surfaces', async () => {
    const error = await sdkFailure(
      sdkClient(emu.current).DescribeDBInstanceAttribute({ DBInstanceId: 'postgres-nope' }),
    );

    expect(error.httpCode).toBeUndefined();
    expect(error.code).toBe('ResourceNotFound.InstanceNotFoundError');
    expect(error.requestId).toMatch(UUID);
    expect(error.traceId).toMatch(UUID);
  });

  it('emits a fresh trace id when the caller sends none', async () => {
    const res = await signedPost(emu.current);

    expect(res.headers['x-tc-traceid']).toMatch(UUID);
  });
});

describe('common parameters', () => {
  it('rejects another API version with NoSuchVersion', async () => {
    const res = await signedPost(emu.current, { version: '2019-01-01' });

    expect(res.response.Error?.Code).toBe('NoSuchVersion');
    expect(res.response.Error?.Message).toContain('`2019-01-01`');
  });

  it('rejects an action that does not exist with InvalidAction', async () => {
    const error = await sdkFailure(sdkClient(emu.current).request('DescribeUnicorns', {}));

    expect(error.code).toBe('InvalidAction');
    expect(error.message).toContain('`DescribeUnicorns`');
  });

  it('answers a real postgres action the emulator does not implement with UnsupportedOperation', async () => {
    const error = await sdkFailure(sdkClient(emu.current).RestartDBInstance({ DBInstanceId: 'pgro-x' }));

    expect(error.code).toBe('UnsupportedOperation');
  });

  it('rejects a missing X-TC-Action with MissingParameter', async () => {
    const res = await signedPost(emu.current, { afterSigning: { 'X-TC-Action': null } });

    expect(res.response.Error?.Code).toBe('MissingParameter');
    expect(res.response.Error?.Message).toBe('The request is missing a required parameter `Action`.');
  });

  it('rejects a request without a region with MissingParameter `Region`', async () => {
    const error = await sdkFailure(sdkClient(emu.current, { region: undefined }).DescribeZones({}));

    expect(error.code).toBe('MissingParameter');
    expect(error.message).toBe('The request is missing a required parameter `Region`.');
  });

  it('rejects a region outside the seed page list with UnsupportedRegion', async () => {
    const error = await sdkFailure(sdkClient(emu.current, { region: 'eu-moscow' }).DescribeZones({}));

    expect(error.code).toBe('UnsupportedRegion');
  });

  it('rejects something that is not a region name with InvalidParameterValue.IllegalRegion', async () => {
    const error = await sdkFailure(sdkClient(emu.current, { region: 'Beijing!' }).DescribeZones({}));

    expect(error.code).toBe('InvalidParameterValue.IllegalRegion');
  });
});

describe('action parameters', () => {
  it.each(['Zone', 'MasterDBInstanceId', 'SpecCode', 'Storage', 'InstanceCount', 'Period'])(
    'rejects CreateReadOnlyDBInstance without %s with MissingParameter naming it',
    async (name) => {
      const request: Record<string, unknown> = { ...seedCreateRequest() };
      delete request[name];

      const error = await sdkFailure(sdkClient(emu.current).CreateReadOnlyDBInstance(request as never));

      expect(error.code).toBe('MissingParameter');
      expect(error.message).toBe(`The request is missing a required parameter \`${name}\`.`);
    },
  );

  it('rejects an unknown parameter with UnknownParameter naming it', async () => {
    const error = await sdkFailure(
      sdkClient(emu.current).CreateReadOnlyDBInstance(seedCreateRequest({ DryRun: true } as never)),
    );

    expect(error.code).toBe('UnknownParameter');
    expect(error.message).toBe('The parameter `DryRun` is not recognized.');
  });

  it.each([
    ['Storage', '100', 'Integer'],
    ['Storage', 100.5, 'Integer'],
    ['Zone', 4, 'String'],
    ['SecurityGroupIds', 'sg-iwnfp51z', 'Array'],
    ['DeletionProtection', 'yes', 'Boolean'],
  ])('rejects %s = %j with InvalidParameter (expected %s)', async (name, value, expected) => {
    const error = await sdkFailure(
      sdkClient(emu.current).CreateReadOnlyDBInstance(seedCreateRequest({ [name]: value })),
    );

    expect(error.code).toBe('InvalidParameter');
    expect(error.message).toContain(`\`${name}\``);
    expect(error.message).toContain(expected);
  });

  it('names nested parameters the way Tencent does (Tags.0.TagKey)', async () => {
    const error = await sdkFailure(
      sdkClient(emu.current).CreateReadOnlyDBInstance(
        seedCreateRequest({ Tags: [{ TagKey: 7, TagValue: 'x' }] }),
      ),
    );

    expect(error.code).toBe('InvalidParameter');
    expect(error.message).toContain('`Tags.0.TagKey`');
  });
});

describe('malformed requests', () => {
  it('rejects a body that is not JSON with InvalidParameter', async () => {
    const res = await signedPost(emu.current, { body: '{"Zone": "ap-beijing-4",' });

    expect(res.status).toBe(200);
    expect(res.response.Error?.Code).toBe('InvalidParameter');
    expect(res.response.Error?.Message).toMatch(/not valid JSON/);
  });

  it('rejects a JSON body that is not an object with InvalidParameter', async () => {
    const res = await signedPost(emu.current, { body: '[1,2,3]' });

    expect(res.response.Error?.Code).toBe('InvalidParameter');
  });

  it('rejects a body over 1 MB with RequestSizeLimitExceeded and keeps serving', async () => {
    const big = JSON.stringify({ StorageType: 'x'.repeat(1024 * 1024 + 10) });

    const res = await signedPost(emu.current, { body: big });
    const after = await sdkClient(emu.current).DescribeZones({});

    expect(res.status).toBe(200);
    expect(res.response.Error?.Code).toBe('RequestSizeLimitExceeded');
    expect(after.TotalCount).toBeGreaterThan(0);
  });

  it('rejects a Content-Type other than application/json with InvalidParameter', async () => {
    const res = await signedPost(emu.current, { contentType: 'text/plain' });

    expect(res.response.Error?.Code).toBe('InvalidParameter');
    expect(res.response.Error?.Message).toContain('text/plain');
  });

  it('rejects a non-numeric X-TC-Timestamp with InvalidParameter', async () => {
    const res = await signedPost(emu.current, { afterSigning: { 'X-TC-Timestamp': 'yesterday' } });

    expect(res.response.Error?.Code).toBe('InvalidParameter');
  });

  it('answers GET with UnsupportedProtocol (the emulator speaks POST)', async () => {
    const { headers } = signedRequest(emu.current);

    const res = await rawPost(emu.current, headers, '', 'GET');

    expect(res.response.Error?.Code).toBe('UnsupportedProtocol');
  });

  it('answers the SDK legacy v1 signing (HmacSHA256 form posts) with UnsupportedProtocol', async () => {
    const legacy = new Client({
      credential: { ...EMULATOR_CREDENTIALS },
      region: 'ap-beijing',
      profile: {
        signMethod: 'HmacSHA256',
        httpProfile: { endpoint: emu.current.endpoint, protocol: 'http://', agent: new http.Agent() },
      },
    });

    const error = await sdkFailure(legacy.DescribeZones({}));

    expect(error.code).toBe('UnsupportedProtocol');
    expect(error.message).toContain('TC3-HMAC-SHA256');
  });

  it('answers unparseable HTTP with 400, then keeps serving', async () => {
    const answer = await rawSocket(emu.current.port, 'POST / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n');
    const after = await sdkClient(emu.current).DescribeZones({});

    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(after.TotalCount).toBeGreaterThan(0);
  });

  it.each([
    ['X-TC-Action', 'InvalidAction'],
    ['X-TC-Version', 'NoSuchVersion'],
    ['X-TC-Region', 'InvalidParameterValue.IllegalRegion'],
    ['Authorization', 'AuthFailure.InvalidAuthorization'],
    ['Content-Type', 'AuthFailure.SignatureFailure'],
    ['X-TC-Timestamp', 'InvalidParameter'],
  ])('answers garbage in %s with %s, never a crash', async (name, code) => {
    const { headers, body } = signedRequest(emu.current);

    const res = await rawPost(emu.current, { ...headers, [name]: '\u00ff\u00fe;;==,, <>{}' }, body);

    expect(res.status).toBe(200);
    expect(res.response.Error?.Code).toBe(code);
  });

  it('ignores a garbage X-TC-TraceId and emits its own', async () => {
    const res = await signedPost(emu.current, { afterSigning: { 'X-TC-TraceId': '\u00ff<script>' } });

    expect(res.response.Error).toBeUndefined();
    expect(res.headers['x-tc-traceid']).toMatch(UUID);
  });
});
