import type { RunningEmulator } from '@replica-flow/tencent-emulator/server.ts';
import type { ChaosRandom } from '#local/chaos/chaos-random.ts';
import {
  MAX_LISTING_DELAY_MS,
  PROVISIONING_TIMINGS,
  TENCENT_TIMEOUT_SECONDS,
} from '#local/chaos/chaos-settings.ts';
import type { Settings } from '#shared/config/dependencies.ts';
import { assertExactlyOnceTimings } from '#shared/config/exactly-once-timings.ts';

/**
 * Delayed order and instance visibility: each call sets new delays (0.1–1 s before a replica is
 * listed or its order shows, up to 0.3 s more before the order carries ids) for the replicas created
 * from then on. Every listing delay is checked against the grace period first, as the exactly-once
 * rule demands; a delay the grace period could not cover would throw, not run.
 */
export const visibilityDelays =
  (emulator: RunningEmulator, settings: Settings, random: ChaosRandom) => () => {
    const listedAfterMs = random.int(100, MAX_LISTING_DELAY_MS);
    assertExactlyOnceTimings(
      { ...settings, listingDelayMs: listedAfterMs, tencentTimeoutMs: TENCENT_TIMEOUT_SECONDS * 1000 },
      'chaos timings',
    );
    emulator.setTimings({
      ...PROVISIONING_TIMINGS,
      listedAfterMs,
      orderVisibleAfterMs: random.int(100, MAX_LISTING_DELAY_MS),
      orderIdsLagMs: random.int(0, 300),
    });
  };
