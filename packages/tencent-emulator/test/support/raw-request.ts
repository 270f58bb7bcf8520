import http from 'node:http';
import SignModule from 'tencentcloud-sdk-nodejs/tencentcloud/common/sign.js';
import { EMULATOR_CREDENTIALS } from '#emulator/credentials.ts';
import type { RunningEmulator } from '#emulator/server.ts';

/** The SDK's signer; a CommonJS default export, so unwrap it however the loader interops. */
const Sign = ((SignModule as unknown as { default?: typeof SignModule }).default ??
  SignModule) as typeof SignModule;

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** `Response` of a Tencent envelope, when the body is one. */
  readonly response: { Error?: { Code: string; Message: string }; RequestId?: string } & Record<
    string,
    unknown
  >;
}

/** Sends exactly these bytes and headers (node:http lets a test set Host and garbage values). */
export const rawPost = (
  emulator: RunningEmulator,
  headers: Record<string, string>,
  body: string | Buffer,
  method = 'POST',
): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: emulator.port, path: '/', method, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let response: RawResponse['response'] = {};
          try {
            response = (JSON.parse(text) as { Response?: RawResponse['response'] }).Response ?? {};
          } catch {}
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, response });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });

export interface SignedRequestOptions {
  readonly action?: string;
  readonly version?: string;
  readonly region?: string | null;
  readonly body?: string;
  readonly secretId?: string;
  readonly secretKey?: string;
  /** Seconds; default now. */
  readonly timestamp?: number;
  /** The service in the credential scope; default `127`, as the SDK derives it for 127.0.0.1. */
  readonly service?: string;
  readonly contentType?: string;
  /** Change headers after signing (tampering), `null` removes one. */
  readonly afterSigning?: Record<string, string | null>;
}

/**
 * Builds a request the way the SDK does, signed with the SDK's own `Sign.sign3` (an implementation
 * independent of the emulator's verifier), then lets the test tamper with it.
 */
export const signedRequest = (emulator: RunningEmulator, options: SignedRequestOptions = {}) => {
  const body = options.body ?? '{}';
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const contentType = options.contentType ?? 'application/json';
  const authorization = Sign.sign3({
    method: 'POST',
    url: `${emulator.url}/`,
    payload: Buffer.from(body, 'utf8'),
    timestamp,
    service: options.service ?? '127',
    secretId: options.secretId ?? EMULATOR_CREDENTIALS.secretId,
    secretKey: options.secretKey ?? EMULATOR_CREDENTIALS.secretKey,
    multipart: false,
    boundary: '',
    headers: { 'Content-Type': contentType },
  });
  const headers: Record<string, string> = {
    Host: emulator.endpoint,
    'Content-Type': contentType,
    'X-TC-Action': options.action ?? 'DescribeZones',
    'X-TC-Version': options.version ?? '2017-03-12',
    'X-TC-Timestamp': String(timestamp),
    Authorization: authorization,
  };
  if (options.region !== null) headers['X-TC-Region'] = options.region ?? 'ap-beijing';
  for (const [name, value] of Object.entries(options.afterSigning ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  return { headers, body };
};

/** Signs and sends in one go. */
export const signedPost = (
  emulator: RunningEmulator,
  options: SignedRequestOptions = {},
): Promise<RawResponse> => {
  const { headers, body } = signedRequest(emulator, options);
  return rawPost(emulator, headers, body);
};

/** Calls the control API. */
export const control = async (
  emulator: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> => {
  const res = await fetch(`${emulator.url}/_emulator${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};
