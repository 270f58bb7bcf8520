import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosRandom } from '#local/chaos/chaos-random.ts';
import type { ChaosFaultPlan } from '#local/chaos/fault-plan.ts';
import type { WebhookReceiver } from '#local/stack/webhook-receiver.ts';

/** The webhook receiver's bad day: healthy, then down (503) for a while, then failing a share of deliveries. */
export const receiverOutage = async (
  receiver: WebhookReceiver,
  plan: ChaosFaultPlan['receiver'],
  random: ChaosRandom,
  options: { readonly signal: AbortSignal; readonly log: (line: string) => void },
): Promise<void> => {
  try {
    await sleep(plan.outageStartMs, undefined, { signal: options.signal });
    receiver.outage(plan.outageMs);
    options.log(`webhook receiver down for ${plan.outageMs} ms`);
    await sleep(plan.outageMs, undefined, { signal: options.signal });
    receiver.flaky(plan.flakiness, random.next);
    options.log(`webhook receiver back, failing ${Math.round(plan.flakiness * 100)} % of deliveries`);
  } catch {
    // The run ended first.
  }
};
