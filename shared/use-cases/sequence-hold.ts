import { isTerminal } from '#shared/domain/request-state.ts';
import type { Marker, RequestStore } from '#shared/ports/request-store.ts';

/**
 * Whether a hold on the primary's sequence marker has served its purpose, so a removal may take the
 * marker over (conditionally: `orHeldBy` the holder).
 * - A scale-out holds it for its policy cooldown, and at least `MIN_SCALE_OUT_HOLD_SECONDS` so that it
 *   is seen in flight before the marker frees. Past its cooldown, once its request has ended (READY,
 *   FAILED, SUPPRESSED…), only that visibility minimum still holds the marker, and it has done its
 *   work. (One still in flight is not: it may have become visible only after the removal looked.)
 * - A removal holds it (at least the same minimum) until it is seen in flight; once it has ended,
 *   the hold has served too (scale-in's own cooldown is measured from the records, not the marker).
 */
export const sequenceHoldServed = async (
  held: Marker,
  scaleOutCooldownSeconds: number,
  now: Date,
  store: Pick<RequestStore, 'get'>,
): Promise<boolean> => {
  if (typeof held.value.requestId !== 'string') return false;
  if (held.value.kind === 'removal') {
    const removal = await store.get(held.value.requestId);
    return removal !== undefined && isTerminal(removal.state);
  }
  const at = typeof held.value.at === 'string' ? Date.parse(held.value.at) : Number.NaN;
  if (!(at + scaleOutCooldownSeconds * 1000 <= now.getTime())) return false;
  const holder = await store.get(held.value.requestId);
  return holder !== undefined && isTerminal(holder.state);
};
