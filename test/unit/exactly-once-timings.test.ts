import { describe, expect, it } from 'vitest';
import { deploymentShape } from '#local/stack/deployment-shape.ts';
import { LOCAL_SETTINGS } from '#local/stack/local-stack.ts';
import { exactlyOnceTimingProblems } from '#shared/config/exactly-once-timings.ts';
import {
  checkExactlyOnceEnvironment,
  DEFAULT_NOTIFY_MAX_RECEIVE_COUNT,
} from '#shared/config/reliability-environment.ts';
import { readRuntimeEnvironment } from '#shared/config/runtime-config.ts';
import { ConfigError } from '#shared/errors.ts';

describe('exactlyOnceTimingProblems', () => {
  it('accepts the deployed defaults: 180 s grace over a 60 s listing delay, a 120 s lease over a 10 s timeout', () => {
    const env = readRuntimeEnvironment({});
    expect(() => checkExactlyOnceEnvironment(env)).not.toThrow();
  });

  it("accepts the local stack's defaults against the emulator's 1 s listing delay", () => {
    expect(
      exactlyOnceTimingProblems({ ...LOCAL_SETTINGS, listingDelayMs: 1000, tencentTimeoutMs: 10_000 }),
    ).toEqual([]);
  });

  it.each([
    ['equal to the listing delay', 1000],
    ['exactly 1.5 × the listing delay', 1500],
  ])(
    'refuses a grace period %s: a replica listed late would be created again',
    (_name, visibilityGraceMs) => {
      const problems = exactlyOnceTimingProblems({
        visibilityGraceMs,
        leaseMs: 20_000,
        listingDelayMs: 1000,
        tencentTimeoutMs: 10_000,
      });
      expect(problems).toEqual([expect.stringMatching(/visibility grace period \(\d+ ms\) must be longer/)]);
    },
  );

  it('refuses a lease shorter than twice the Tencent timeout: the poller would reconcile a call still running', () => {
    const problems = exactlyOnceTimingProblems({
      visibilityGraceMs: 10_000,
      leaseMs: 15_000,
      listingDelayMs: 1000,
      tencentTimeoutMs: 10_000,
    });
    expect(problems).toEqual([expect.stringMatching(/create lease \(15000 ms\)/)]);
  });

  it('fails the cold start naming the variables when the environment breaks a rule', () => {
    const env = readRuntimeEnvironment({
      VISIBILITY_GRACE_SECONDS: '60',
      TENCENT_LISTING_DELAY_SECONDS: '60',
    });
    expect(() => checkExactlyOnceEnvironment(env)).toThrow(ConfigError);
    expect(() => checkExactlyOnceEnvironment(env)).toThrow(/VISIBILITY_GRACE_SECONDS/);
  });
});

describe('the notify queue receive count', () => {
  it('is the same in the deployment (deploy/shape.yml) as the notify function assumes (NOTIFY_MAX_RECEIVE_COUNT default)', () => {
    expect(deploymentShape().queues.notify.maxReceiveCount).toBe(DEFAULT_NOTIFY_MAX_RECEIVE_COUNT);
  });
});
