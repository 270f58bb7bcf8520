import http from 'node:http';
import https from 'node:https';
import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_client.js';
import { withCatalogCache } from '#shared/adapters/tencent/catalog-cache.ts';
import { TencentRateLimiter, type TencentRateLimits } from '#shared/adapters/tencent/rate-limiter.ts';
import { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';

export interface TencentPostgresOptions {
  /** A CAM sub-account key; `token` for STS temporary credentials. Never logged. */
  readonly credentials: { readonly secretId: string; readonly secretKey: string; readonly token?: string };
  /** Default `postgres.tencentcloudapi.com`; the emulator is `127.0.0.1:PORT`. */
  readonly endpoint?: string;
  /** Default `https://`; the emulator speaks `http://`. */
  readonly protocol?: 'https://' | 'http://';
  /** Per call, default 10 s. A create that times out is `ambiguous`: it may have been accepted. */
  readonly timeoutSeconds?: number;
  /**
   * Used for every call when given. Default: a keep-alive agent for reads and one for the create that
   * closes connections idle for a second, both for the protocol; either way an explicit agent keeps the SDK off `process.env.http_proxy`.
   */
  readonly agent?: http.Agent | https.Agent;
  readonly language?: 'en-US';
  /**
   * Calls a second per action, shared by every caller of this client (one token bucket per action);
   * a call waits its turn instead of being refused by Tencent. Absent: no client-side limit.
   */
  readonly rateLimits?: TencentRateLimits;
  /**
   * Keep DescribeZones / DescribeClasses answers, and the price of each distinct plan
   * (InquiryPriceCreateDBInstances), this long (see `catalog-cache.ts`). Absent or 0: never.
   */
  readonly catalogCacheMs?: number;
  /** Wraps every call made to Tencent (after its rate-limit wait): metrics and tracing (`tencent-call-telemetry.ts`). */
  readonly observe?: TencentCallObserver;
}

/** Runs one Tencent call of `action`; it rejects with the call's `TencentApiError`. */
export type TencentCallObserver = <T>(action: string, call: () => Promise<T>) => Promise<T>;

const unobserved: TencentCallObserver = (_action, call) => call();

const DEFAULT_ENDPOINT = 'postgres.tencentcloudapi.com';
const DEFAULT_TIMEOUT_SECONDS = 10;

/**
 * How a call reaches Tencent. Reads share keep-alive connections. The create reuses a connection
 * only within a burst: its agent closes any connection idle for `CREATE_CONNECTION_IDLE_MS`. A socket
 * that went stale while the Lambda was frozen (or that a NAT gateway dropped after minutes idle) fails
 * with a reset after the request may have been written, which would turn a healthy create into an
 * ambiguous one; such a socket has been idle far longer than a second, and its idle timer fires at
 * the first turn of the event loop after a thaw, before an invocation reaches its create (two store
 * round trips in). Within a burst, creates skip a handshake each (a TLS one against Tencent): on the
 * local stack under a 1000-request burst a fresh connection per create took 1.4–3.5 s to answer, a
 * reused one 0.15–0.33 s.
 */
export const CREATE_CONNECTION_IDLE_MS = 1000;

type Connection = 'pooled' | 'create';

/**
 * The real `tencentcloud-sdk-nodejs` PostgreSQL client behind the `TencentPostgres` port. SDK
 * clients are created on first use, one per region (and connection kind), and kept. The SDK never
 * retries; neither does this adapter: every failure becomes a `TencentApiError` whose `kind` tells
 * the caller what it may do. With `rateLimits`, calls wait for their action's token bucket first,
 * so concurrent callers stay under Tencent's limits instead of being throttled.
 *
 * An explicit agent is always passed: without one the SDK tunnels every call, loopback included,
 * through `process.env.http_proxy` (it ignores NO_PROXY); an explicit agent takes precedence.
 */
export const createTencentPostgres = (options: TencentPostgresOptions): TencentPostgres => {
  const protocol = options.protocol ?? 'https://';
  const newAgent = (settings: http.AgentOptions) =>
    protocol === 'http://' ? new http.Agent(settings) : new https.Agent(settings);
  const agents: Record<Connection, http.Agent> = {
    pooled: options.agent ?? newAgent({ keepAlive: true }),
    // A free socket times out (and is closed) after this; a request in flight is left alone.
    create: options.agent ?? newAgent({ keepAlive: true, timeout: CREATE_CONNECTION_IDLE_MS }),
  };
  const clients = new Map<string, Client>();
  const limiter = options.rateLimits ? new TencentRateLimiter(options.rateLimits) : undefined;
  const observe = options.observe ?? unobserved;

  const clientFor = (region: string, connection: Connection = 'pooled'): Client => {
    const key = `${region}/${connection}`;
    let client = clients.get(key);
    if (!client) {
      client = new Client({
        credential: { ...options.credentials },
        region,
        profile: {
          language: options.language,
          httpProfile: {
            endpoint: options.endpoint ?? DEFAULT_ENDPOINT,
            protocol,
            reqMethod: 'POST',
            reqTimeout: options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
            agent: agents[connection],
          },
        },
      });
      clients.set(key, client);
    }
    return client;
  };

  const call = async <T>(action: string, send: () => Promise<T>): Promise<T> => {
    await limiter?.take(action);
    return observe(action, async () => {
      try {
        return await send();
      } catch (error) {
        throw new TencentApiError(action, error);
      }
    });
  };

  const port: TencentPostgres = {
    createReadOnlyDBInstance: (region, request) =>
      call('CreateReadOnlyDBInstance', () => clientFor(region, 'create').CreateReadOnlyDBInstance(request)),
    describeOrders: (region, request) =>
      call('DescribeOrders', () => clientFor(region).DescribeOrders(request)),
    describeDBInstances: (region, request) =>
      call('DescribeDBInstances', () => clientFor(region).DescribeDBInstances(request)),
    describeDBInstanceAttribute: (region, request) =>
      call('DescribeDBInstanceAttribute', () => clientFor(region).DescribeDBInstanceAttribute(request)),
    describeZones: (region, request) => call('DescribeZones', () => clientFor(region).DescribeZones(request)),
    describeClasses: (region, request) =>
      call('DescribeClasses', () => clientFor(region).DescribeClasses(request)),
    describeReadOnlyGroups: (region, request) =>
      call('DescribeReadOnlyGroups', () => clientFor(region).DescribeReadOnlyGroups(request)),
    inquiryPriceCreateDBInstances: (region, request) =>
      call('InquiryPriceCreateDBInstances', () => clientFor(region).InquiryPriceCreateDBInstances(request)),
    describeTasks: (region, request) => call('DescribeTasks', () => clientFor(region).DescribeTasks(request)),
    createReadOnlyGroup: (region, request) =>
      call('CreateReadOnlyGroup', () => clientFor(region).CreateReadOnlyGroup(request)),
    addDBInstanceToReadOnlyGroup: (region, request) =>
      call('AddDBInstanceToReadOnlyGroup', () => clientFor(region).AddDBInstanceToReadOnlyGroup(request)),
    removeDBInstanceFromReadOnlyGroup: (region, request) =>
      call('RemoveDBInstanceFromReadOnlyGroup', () =>
        clientFor(region).RemoveDBInstanceFromReadOnlyGroup(request),
      ),
    modifyReadOnlyGroupConfig: (region, request) =>
      call('ModifyReadOnlyGroupConfig', () => clientFor(region).ModifyReadOnlyGroupConfig(request)),
    deleteReadOnlyGroup: (region, request) =>
      call('DeleteReadOnlyGroup', () => clientFor(region).DeleteReadOnlyGroup(request)),
    modifyDBInstanceDeletionProtection: (region, request) =>
      call('ModifyDBInstanceDeletionProtection', () =>
        clientFor(region).ModifyDBInstanceDeletionProtection(request),
      ),
    isolateDBInstances: (region, request) =>
      call('IsolateDBInstances', () => clientFor(region).IsolateDBInstances(request)),
    disIsolateDBInstances: (region, request) =>
      call('DisIsolateDBInstances', () => clientFor(region).DisIsolateDBInstances(request)),
    destroyDBInstance: (region, request) =>
      call('DestroyDBInstance', () => clientFor(region).DestroyDBInstance(request)),
  };
  return options.catalogCacheMs ? withCatalogCache(port, { ttlMs: options.catalogCacheMs }) : port;
};
