import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_client.js';
import * as z from 'zod';
import { FlagError, parseFlags } from '#emulator/cli-flags.ts';
import { EMULATOR_CREDENTIALS } from '#emulator/credentials.ts';
import { LOAD_TEST_WORLD_PATH } from '#emulator/world/load-world.ts';

/**
 * The emulator's load check: drives CreateReadOnlyDBInstance through the real SDK at a fixed rate
 * against an emulator child process (or `--endpoint`) and prints JSON counts. The done-criterion:
 * 150 calls/s for 60 s gets RequestLimitExceeded for the excess and never a crash.
 */
const flags = z.object({
  rate: z.coerce
    .number<string | undefined>()
    .positive('must be a positive number of calls per second')
    .default(150),
  seconds: z.coerce.number<string | undefined>().positive('must be a positive number of seconds').default(60),
  endpoint: z
    .string()
    .regex(/^[\w.-]+:\d+$/, 'must be host:port of a running emulator')
    .optional(),
  world: z.string().min(1).optional(),
});

/** The package's `tencent-emulator` bin: main.ts through tsx, as `npx tencent-emulator` runs it. */
const BIN = fileURLToPath(new URL('../bin/tencent-emulator.js', import.meta.url));

interface EmulatorChild {
  readonly endpoint: string;
  readonly child: ChildProcess;
  /** Set when the process exits before we stop it: a crash. */
  exit: { code: number | null; signal: string | null } | undefined;
}

const spawnEmulator = (world: string): Promise<EmulatorChild> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--port', '0', '--world', world], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    const handle: EmulatorChild = { endpoint: '', child, exit: undefined };
    child.on('exit', (code, signal) => {
      handle.exit = { code, signal };
      reject(new Error(`emulator exited early (code ${code}, signal ${signal})`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const endpoint = /SDK endpoint:\s+(\S+)/.exec(stdout)?.[1];
      if (endpoint && !handle.endpoint) resolve(Object.assign(handle, { endpoint }));
    });
  });

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);

const main = async (): Promise<void> => {
  const options = parseFlags(process.argv.slice(2), ['rate', 'seconds', 'endpoint', 'world'], flags);
  const emulator = options.endpoint ? undefined : await spawnEmulator(options.world ?? LOAD_TEST_WORLD_PATH);
  const endpoint = options.endpoint ?? emulator?.endpoint ?? '';
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const client = new Client({
    credential: { ...EMULATOR_CREDENTIALS },
    region: 'ap-beijing',
    profile: {
      httpProfile: {
        endpoint,
        protocol: 'http://',
        reqTimeout: 10,
        agent,
      },
    },
  });

  const counts = { sent: 0, ok: 0, RequestLimitExceeded: 0, networkErrors: 0, invalidResponses: 0 };
  const otherErrors: Record<string, number> = {};
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();

  const fire = (n: number): void => {
    const sentAt = performance.now();
    const call = client
      .CreateReadOnlyDBInstance({
        Zone: 'ap-beijing-4',
        MasterDBInstanceId: 'postgres-abcdef',
        SpecCode: 'pg.it.small2',
        Storage: 100,
        InstanceCount: 1,
        Period: 1,
        VpcId: 'vpc-8btfafeo',
        SubnetId: 'subnet-1i9huswn',
        InstanceChargeType: 'POSTPAID_BY_HOUR',
        Name: `load-${n}`,
      })
      .then(
        () => {
          counts.ok += 1;
        },
        (error: { code?: string; httpCode?: number; requestId?: string; message?: string }) => {
          if (error.code === 'RequestLimitExceeded') counts.RequestLimitExceeded += 1;
          else if (error.code) otherErrors[error.code] = (otherErrors[error.code] ?? 0) + 1;
          else if (error.httpCode)
            otherErrors[`HTTP${error.httpCode}`] = (otherErrors[`HTTP${error.httpCode}`] ?? 0) + 1;
          // The SDK wraps network failures with an empty requestId; anything else is not a Tencent answer.
          else if (error.requestId === '') counts.networkErrors += 1;
          else counts.invalidResponses += 1;
        },
      )
      .finally(() => {
        latencies.push(performance.now() - sentAt);
        inFlight.delete(call);
      });
    inFlight.add(call);
  };

  const total = Math.round(options.rate * options.seconds);
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rate));
      while (counts.sent < due) {
        counts.sent += 1;
        fire(counts.sent);
      }
      if (counts.sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  await Promise.all(inFlight);
  const elapsedSeconds = (performance.now() - started) / 1000;

  const control = async (path: string): Promise<unknown> =>
    (await fetch(`http://${endpoint}/_emulator${path}`)).json();
  const { instances } = (await control('/instances')) as { instances: { createdAt: number }[] };
  // Created per server-clock second: the rate limiter's windows, so never above the limit.
  const perSecond = new Map<number, number>();
  for (const { createdAt } of instances) {
    const second = Math.floor(createdAt / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  agent.destroy();
  const crashed = emulator?.exit !== undefined;
  emulator?.child.removeAllListeners('exit');
  emulator?.child.kill('SIGINT');

  const sorted = [...latencies].sort((a, b) => a - b);
  const report = {
    rate: options.rate,
    seconds: options.seconds,
    elapsedSeconds: Number(elapsedSeconds.toFixed(1)),
    sent: counts.sent,
    ok: counts.ok,
    RequestLimitExceeded: counts.RequestLimitExceeded,
    otherErrors,
    networkErrors: counts.networkErrors,
    crashes: (crashed ? 1 : 0) + counts.invalidResponses,
    instancesCreated: instances.length,
    maxCreatedInOneSecond: Math.max(0, ...perSecond.values()),
    latencyMs: {
      p50: Number(percentile(sorted, 50).toFixed(1)),
      p99: Number(percentile(sorted, 99).toFixed(1)),
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (report.crashes > 0 || report.networkErrors > 0 || instances.length !== counts.ok) process.exitCode = 1;
};

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof FlagError ? error.message : ((error as Error)?.stack ?? String(error))}\n`,
  );
  process.exit(2);
});
