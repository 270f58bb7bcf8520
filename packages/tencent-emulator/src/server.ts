import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type * as z from 'zod';
import { ACTIONS } from '#emulator/actions/registry.ts';
import type { CallsSnapshot } from '#emulator/call-log.ts';
import { CONTROL_PREFIX, handleControlRequest } from '#emulator/control/control-api.ts';
import { acceptedCredentials, EMULATOR_CREDENTIALS, type EmulatorCredential } from '#emulator/credentials.ts';
import { Emulator, type EmulatorInstance, type TimingsPatch } from '#emulator/emulator.ts';
import type { FaultsSnapshot } from '#emulator/faults/fault-injector.ts';
import { faultPlanBody } from '#emulator/faults/fault-plan.ts';
import type { MutationEntry } from '#emulator/mutation-journal.ts';
import { type ApiReply, processApiRequest } from '#emulator/protocol/api-request.ts';
import { writeApiAnswer, writeGatewayFailure } from '#emulator/protocol/envelope.ts';
import type { RateLimitSettings } from '#emulator/rate-limits.ts';
import { loadWorld } from '#emulator/world/load-world.ts';
import type { Timings, World, WorldInput } from '#emulator/world/world-schema.ts';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A world object or the path of a world JSON file; default `worlds/default.json`. */
  world?: World | WorldInput | string;
  /** Persist created replicas, orders and groups here, so a restart keeps them. */
  dataDir?: string;
  /** Clock in epoch ms (default `Date.now`); signatures are checked against it too. */
  now?: () => number;
  /** Override the world's provisioning timings for this run. */
  timings?: TimingsPatch;
  /** Key pairs accepted besides the built-in one and `TENCENTCLOUD_SECRET_ID`/`_KEY`. */
  credentials?: readonly EmulatorCredential[];
}

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `127.0.0.1:PORT`, for `httpProfile.endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  /** The built-in key pair (always accepted). */
  readonly credentials: EmulatorCredential;
  /** Every key pair accepted. */
  readonly acceptedCredentials: readonly EmulatorCredential[];
  readonly world: World;
  /** Stops listening, cuts open connections, writes pending state. */
  close(): Promise<void>;
  /** Every replica ever created (also `GET /_emulator/instances`). */
  instances(): EmulatorInstance[];
  /** Calls per action and outcome (also `GET /_emulator/calls`). */
  calls(): CallsSnapshot;
  /** Every call that named an instance to change, and out-of-band deletions (also `GET /_emulator/mutations`). */
  mutations(): MutationEntry[];
  /**
   * Deletes a replica out of band, as someone in the console would: `offline` at once (also
   * `POST /_emulator/out-of-band-deletions` `{"DBInstanceId": …}`). Undefined for a primary or an unknown id.
   */
  deleteOutOfBand(instanceId: string): MutationEntry | undefined;
  /** Back to the loaded world (also `POST /_emulator/reset`). */
  reset(): void;
  /** Adds fault rules, validated like `POST /_emulator/faults`. */
  addFaults(plan: z.input<typeof faultPlanBody>): FaultsSnapshot;
  /** Removes every fault rule (also `DELETE /_emulator/faults`). */
  clearFaults(): FaultsSnapshot;
  faults(): FaultsSnapshot;
  timings(): Timings;
  /** Timings for replicas created from now on (also `POST /_emulator/timings`). */
  setTimings(patch: TimingsPatch): Timings;
  /** Also `POST /_emulator/rate-limits`. */
  setRateLimits(settings: RateLimitSettings): { enabled: boolean; limits: Record<string, number> };
  /** Writes pending state to the data dir now. */
  flush(): Promise<void>;
}

const API_KEEP_ALIVE_MS = 65_000;

/** Starts the Tencent Cloud PostgreSQL API emulator on 127.0.0.1 (by default) and a random port. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const world = loadWorld(options.world);
  const credentials = acceptedCredentials(process.env, options.credentials ?? []);
  const emulator = new Emulator({
    world,
    now: options.now ?? Date.now,
    credentials,
    dataDir: options.dataDir,
    timings: options.timings,
  });
  const heldAnswers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  const sendReply = (req: IncomingMessage, res: ServerResponse, traceId: string, reply: ApiReply): void => {
    switch (reply.kind) {
      case 'answer':
        if (reply.delayMs === undefined) writeApiAnswer(res, traceId, reply.json);
        else {
          const timer = setTimeout(() => {
            heldAnswers.delete(timer);
            writeApiAnswer(res, traceId, reply.json);
          }, reply.delayMs);
          heldAnswers.add(timer);
        }
        return;
      case 'gateway':
        writeGatewayFailure(res, traceId, reply.status);
        return;
      case 'lost':
        req.socket.destroy();
        return;
      case 'none':
        return;
    }
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const call = await processApiRequest(req, emulator);
    emulator.calls.record(call.action, call.reply.outcome);
    sendReply(req, res, call.traceId, call.reply);
  };

  const server = createServer((req, res) => {
    const work = (req.url ?? '').startsWith(CONTROL_PREFIX)
      ? handleControlRequest(req, res, emulator)
      : handleApi(req, res);
    work.catch((error: unknown) => {
      process.emitWarning(`tencent-emulator: request failed: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.keepAliveTimeout = API_KEEP_ALIVE_MS;
  server.headersTimeout = API_KEEP_ALIVE_MS + 1000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Unparseable HTTP (garbage request lines or headers): answer 400 and hang up, never crash.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) socket.destroy();
    else socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => process.emitWarning(`tencent-emulator: server error: ${error.message}`));
  const { port } = server.address() as AddressInfo;
  const endpoint = `${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const timer of heldAnswers) clearTimeout(timer);
      heldAnswers.clear();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await stopped;
      await emulator.flush();
    })();
    return closing;
  };

  return {
    url: `http://${endpoint}`,
    endpoint,
    port,
    credentials: EMULATOR_CREDENTIALS,
    acceptedCredentials: credentials,
    world,
    close,
    instances: () => emulator.instances(),
    calls: () => emulator.calls.snapshot(),
    mutations: () => emulator.mutations.snapshot(),
    deleteOutOfBand: (instanceId) => emulator.deleteOutOfBand(instanceId),
    reset: () => emulator.reset(),
    addFaults: (plan) => {
      emulator.faults.add(faultPlanBody.parse(plan));
      return emulator.faults.snapshot();
    },
    clearFaults: () => {
      emulator.faults.clear();
      return emulator.faults.snapshot();
    },
    faults: () => emulator.faults.snapshot(),
    timings: () => emulator.currentTimings(),
    setTimings: (patch) => emulator.setTimings(patch),
    setRateLimits: (settings) => {
      emulator.rateLimiter.configure(settings);
      return emulator.rateLimiter.describe(ACTIONS.keys());
    },
    flush: () => emulator.flush(),
  };
}
