import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { ACTIONS } from '#emulator/actions/registry.ts';
import { ControlError, readJsonBody, writeJson } from '#emulator/control/json-io.ts';
import { type Emulator, timingsPatch } from '#emulator/emulator.ts';
import { faultPlanBody } from '#emulator/faults/fault-plan.ts';
import { rateLimitSettings } from '#emulator/rate-limits.ts';

/** `POST /_emulator/out-of-band-deletions`: the replica someone deletes behind the workflow's back. */
const outOfBandDeletion = z.strictObject({ DBInstanceId: z.string().min(1).max(64) });

/** Every control route lives under this prefix; the SDK only ever POSTs to `/`. */
export const CONTROL_PREFIX = '/_emulator';

type Route = (req: IncomingMessage, emulator: Emulator) => Promise<unknown> | unknown;

const rateLimitView = (emulator: Emulator) => emulator.rateLimiter.describe(ACTIONS.keys());

const ROUTES: Record<string, Partial<Record<string, Route>>> = {
  '/health': { GET: () => ({ ok: true }) },
  '/world': { GET: (_req, emulator) => emulator.world },
  '/instances': { GET: (_req, emulator) => ({ instances: emulator.instances() }) },
  '/calls': { GET: (_req, emulator) => emulator.calls.snapshot() },
  '/mutations': { GET: (_req, emulator) => ({ mutations: emulator.mutations.snapshot() }) },
  '/out-of-band-deletions': {
    POST: async (req, emulator) => {
      const { DBInstanceId } = await readJsonBody(
        req,
        outOfBandDeletion,
        'POST /_emulator/out-of-band-deletions',
      );
      const entry = emulator.deleteOutOfBand(DBInstanceId);
      if (!entry) throw new ControlError(404, `No replica ${DBInstanceId} to delete (a primary never goes)`);
      return entry;
    },
  },
  '/reset': {
    POST: (_req, emulator) => {
      emulator.reset();
      return { reset: true };
    },
  },
  '/faults': {
    GET: (_req, emulator) => emulator.faults.snapshot(),
    POST: async (req, emulator) => {
      emulator.faults.add(await readJsonBody(req, faultPlanBody, 'POST /_emulator/faults'));
      return emulator.faults.snapshot();
    },
    DELETE: (_req, emulator) => {
      emulator.faults.clear();
      return emulator.faults.snapshot();
    },
  },
  '/timings': {
    GET: (_req, emulator) => emulator.currentTimings(),
    POST: async (req, emulator) =>
      emulator.setTimings(await readJsonBody(req, timingsPatch, 'POST /_emulator/timings')),
  },
  '/rate-limits': {
    GET: (_req, emulator) => rateLimitView(emulator),
    POST: async (req, emulator) => {
      emulator.rateLimiter.configure(
        await readJsonBody(req, rateLimitSettings, 'POST /_emulator/rate-limits'),
      );
      return rateLimitView(emulator);
    },
  },
};

/** The emulator's own HTTP API: inspection, reset, faults, timings and rate limits. JSON in and out. */
export const handleControlRequest = async (
  req: IncomingMessage,
  res: ServerResponse,
  emulator: Emulator,
): Promise<void> => {
  const path = (req.url ?? '').split('?')[0]?.slice(CONTROL_PREFIX.length).replace(/\/$/, '') ?? '';
  try {
    const methods = ROUTES[path];
    if (!methods) throw new ControlError(404, `No control route ${CONTROL_PREFIX}${path}`);
    const route = methods[req.method ?? ''];
    if (!route) {
      throw new ControlError(
        405,
        `${req.method} is not allowed on ${CONTROL_PREFIX}${path}; use ${Object.keys(methods).join(', ')}`,
      );
    }
    writeJson(res, 200, await route(req, emulator));
  } catch (error) {
    if (error instanceof ControlError) {
      writeJson(res, error.status, { error: error.message, issues: error.issues });
    } else {
      writeJson(res, 500, {
        error: `Internal emulator error: ${(error as Error)?.message ?? String(error)}`,
      });
    }
  }
};
