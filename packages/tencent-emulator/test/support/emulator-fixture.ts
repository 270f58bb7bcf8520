import http from 'node:http';
import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_client.js';
import type { CreateReadOnlyDBInstanceRequest } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_models.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { EMULATOR_CREDENTIALS, type EmulatorCredential } from '#emulator/credentials.ts';
import { SEED_EXAMPLE_1_BODY } from '#emulator/seed-example.ts';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '#emulator/server.ts';

/** One keep-alive agent for every SDK client in a test file (and it keeps the SDK off http_proxy). */
const agent = new http.Agent({ keepAlive: true });

export interface SdkClientOptions {
  readonly region?: string | undefined;
  readonly credential?: EmulatorCredential & { readonly token?: string };
  readonly reqTimeoutSeconds?: number;
  readonly headers?: Record<string, string>;
  /** Fresh connections per call (lost-response tests destroy sockets). */
  readonly agent?: http.Agent;
}

/** The real, unmodified SDK client pointed at the emulator. */
export const sdkClient = (emulator: RunningEmulator, options: SdkClientOptions = {}): Client =>
  new Client({
    credential: { ...(options.credential ?? EMULATOR_CREDENTIALS) },
    region: 'region' in options ? (options.region as string) : 'ap-beijing',
    profile: {
      httpProfile: {
        endpoint: emulator.endpoint,
        protocol: 'http://',
        reqTimeout: options.reqTimeoutSeconds ?? 10,
        agent: options.agent ?? agent,
        ...(options.headers ? { headers: options.headers } : {}),
      },
    },
  });

/** Timings short enough that nothing in a test waits on them unless it means to. */
export const INSTANT_TIMINGS = {
  orderVisibleAfterMs: 0,
  orderIdsLagMs: 0,
  listedAfterMs: 0,
  applyingMs: 0,
  initingMs: 0,
} as const;

/**
 * A frozen clock that only moves when told: `advance(ms)` jumps the emulator forward without
 * waiting. It starts at the real time, and signatures are checked against it, so a test may
 * move it at most a few minutes.
 */
export const movableClock = () => {
  const start = Date.now();
  let offset = 0;
  return {
    now: () => start + offset,
    advance: (ms: number) => {
      offset += ms;
    },
  };
};

/**
 * Starts one emulator for the file (random port) and resets it after every test, so tests are
 * independent but the file pays the start-up once.
 */
export const useEmulator = (options: EmulatorOptions = {}): { readonly current: RunningEmulator } => {
  const holder: { current: RunningEmulator } = { current: undefined as unknown as RunningEmulator };
  beforeAll(async () => {
    holder.current = await startEmulator({ port: 0, ...options });
  });
  afterEach(() => {
    holder.current.reset();
  });
  afterAll(async () => {
    await holder.current.close();
  });
  return holder;
};

/** The seed page's Example 1 body (deprecated DBVersion and ProjectId 1 included), with overrides. */
export const seedCreateRequest = (
  overrides: Partial<Record<keyof CreateReadOnlyDBInstanceRequest, unknown>> = {},
): CreateReadOnlyDBInstanceRequest =>
  ({
    ...structuredClone(SEED_EXAMPLE_1_BODY),
    ...overrides,
  }) as CreateReadOnlyDBInstanceRequest;

/** What the SDK rejects with: `TencentCloudSDKHttpException` (not exported by the package). */
export interface SdkError {
  readonly message: string;
  readonly code?: string;
  readonly httpCode?: number;
  readonly requestId: string;
  readonly traceId: string;
}

/** Runs an SDK call that must fail and returns its error. */
export const sdkFailure = async (call: Promise<unknown>): Promise<SdkError> => {
  try {
    await call;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the SDK call to fail, but it succeeded');
};

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
