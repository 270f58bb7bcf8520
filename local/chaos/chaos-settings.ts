import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOAD_TEST_WORLD_PATH } from '@replica-flow/tencent-emulator/world/load-world.ts';
import type { Settings } from '#shared/config/dependencies.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The emulator world with room for many replicas per primary, and the policy that allows them. */
export const CHAOS_WORLD_FILE = LOAD_TEST_WORLD_PATH;
export const CHAOS_POLICY_FILE = path.join(here, 'chaos-policy.yaml');

/** The Tencent client's timeout; `Delay` faults hold answers longer than this. */
export const TENCENT_TIMEOUT_SECONDS = 1;
export const DELAY_FAULT_MS = 1500;
export const POLL_INTERVAL_MS = 250;

/**
 * Emulator timings: provisioning in under a second, removals' isolation, group tasks and offlining
 * within half a second; order and listing delays change during the run.
 */
export const PROVISIONING_TIMINGS = {
  applyingMs: 300,
  initingMs: 500,
  isolatingMs: 500,
  groupTaskMs: 400,
  offliningMs: 300,
};
export const MAX_LISTING_DELAY_MS = 1000;

const CHAOS_SETTINGS: Partial<Settings> = {
  visibilityGraceMs: 2000,
  leaseMs: 2500,
  requeueAfterMs: 3000,
  pollLockMs: 10_000,
  webhookRetryWindowMs: 120_000,
  retryBackoff: { baseSeconds: 1, maxSeconds: 2 },
};

/**
 * The workflow's tunables, shortened so a run takes seconds: the grace period stays longer than
 * 1.5 × the longest listing delay the run sets (checked), the lease twice the Tencent timeout. The
 * provisioning deadline (how long a `ProvisioningStuck` replica takes to end TIMED_OUT) grows with
 * the run, so a large run's queue backlog does not time out healthy requests.
 */
export const chaosSettings = (requests: number): Partial<Settings> => ({
  ...CHAOS_SETTINGS,
  provisioningTimeoutMs: 8000 + requests * 20,
});
