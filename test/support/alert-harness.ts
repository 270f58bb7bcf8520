import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  generateLocalAlertCredentials,
  type LocalAlertCredentials,
  localAlertSettings,
} from '#local/stack/local-alert-credentials.ts';
import { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import type { Policy } from '#shared/domain/policy.ts';
import { loadPolicy } from '#shared/domain/policy-loader.ts';
import { errorResponse } from '#shared/http/http-response.ts';
import type { AlertRouteDependencies } from '#shared/ingress/alerts/alert-route-dependencies.ts';
import type { AlertIngressSettings } from '#shared/ingress/alerts/alert-settings.ts';
import { logger } from '#shared/logger.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';
import { policyFixturePath } from '#test/fixtures/policies.ts';
import { type FixedClock, fixedClock } from '#test/support/fixed-clock.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import { RecordingQueue } from '#test/support/recording-queue.ts';

/** A sample body under events/, as the exact bytes a source sends. */
export const eventBytes = (file: string): Buffer =>
  readFileSync(new URL(`../../events/${file}`, import.meta.url));

export const eventJson = <T = Record<string, unknown>>(file: string): T =>
  JSON.parse(eventBytes(file).toString('utf8')) as T;

/** A movable clock, starting at the alert samples' time. */
export const testClock = (start = '2026-11-29T11:20:00.000Z'): FixedClock => fixedClock(start);

let alertPolicy: Policy | undefined;
/** test/fixtures/policies/alerts.yaml, loaded once. */
export const alertsPolicy = (): Policy => {
  alertPolicy ??= loadPolicy(policyFixturePath('alerts.yaml'));
  return alertPolicy;
};

export interface AlertHarness {
  readonly store: InMemoryStore;
  readonly queue: RecordingQueue;
  readonly clock: ReturnType<typeof testClock>;
  readonly credentials: LocalAlertCredentials;
  readonly deps: AlertRouteDependencies;
  /** Runs a route as ingest does: its errors become the HTTP answer. */
  call(
    route: (
      deps: AlertRouteDependencies,
    ) => (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>,
    event: APIGatewayProxyEventV2,
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, unknown> }>;
}

/** In-memory store and queue, the alerts policy, every source configured with fresh credentials. */
export const alertHarness = async (overrides: Partial<AlertIngressSettings> = {}): Promise<AlertHarness> => {
  const store = new InMemoryStore();
  const queue = new RecordingQueue();
  const clock = testClock();
  const credentials = generateLocalAlertCredentials();
  const deps: AlertRouteDependencies = {
    store,
    queue,
    clock,
    policy: alertsPolicy(),
    alerts: localAlertSettings(credentials, overrides),
  };
  return {
    store,
    queue,
    clock,
    credentials,
    deps,
    call: async (route, event) => {
      let result: APIGatewayProxyStructuredResultV2;
      try {
        result = await route(deps)(event);
      } catch (error) {
        result = errorResponse(error);
      }
      return {
        status: result.statusCode ?? 200,
        body: JSON.parse(String(result.body ?? '{}')),
        headers: result.headers ?? {},
      };
    },
  };
};

/** Tencent with only DescribeDBInstanceAttribute: the primary's replica count, or "not found". */
export const fakeTencent = (replicas: Record<string, number>): TencentPostgres & { calls: number } => {
  const fake = {
    calls: 0,
    describeDBInstanceAttribute: async (_region: string, request: { DBInstanceId?: string }) => {
      fake.calls += 1;
      const id = request.DBInstanceId ?? '';
      const count = replicas[id];
      if (count === undefined) {
        throw new TencentApiError(
          'DescribeDBInstanceAttribute',
          Object.assign(new Error(`instance ${id} not found`), {
            code: 'ResourceNotFound.InstanceNotFoundError',
            requestId: 'req-test',
            traceId: 'trace-test',
          }),
        );
      }
      return {
        DBInstance: { DBInstanceId: id, DBInstanceStatus: 'running', ReadOnlyInstanceNum: count },
        RequestId: 'req-test',
      };
    },
  };
  return new Proxy(fake, {
    get: (target, method) =>
      method in target
        ? target[method as keyof typeof target]
        : () => Promise.reject(new Error(`fakeTencent: ${String(method)} not expected`)),
  }) as unknown as TencentPostgres & { calls: number };
};

/** Everything the logger writes while `run` runs (at DEBUG), to assert no secret is ever logged. */
export const captureLogs = async (run: () => Promise<unknown>): Promise<string> => {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const level = logger.getLevelName();
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  logger.setLogLevel('DEBUG');
  try {
    await run();
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
    logger.setLogLevel(level);
  }
  return lines.join('');
};
