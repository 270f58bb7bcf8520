import type { Marker, RequestStore } from '#shared/ports/request-store.ts';

/**
 * Whether a scale-out's hold on the primary's sequence marker has served its purpose, so a removal
 * may take the marker over (conditionally: `orHeldBy` the holder). A scale-out holds the marker for
 * its policy cooldown, and at least `MIN_SCALE_OUT_HOLD_SECONDS` so that it is seen in flight before
 * the marker frees. Past its cooldown, once its request is past RECEIVED (in flight: the removal's
 * in-flight check sees it; or ended), only that visibility minimum still holds the marker, and it
 * has done its work. A removal's hold is never served early (one removal of a primary at a time).
 */
export const scaleOutHoldServed = async (
  held: Marker,
  scaleOutCooldownSeconds: number,
  now: Date,
  store: Pick<RequestStore, 'get'>,
): Promise<boolean> => {
  if (held.value.kind === 'removal' || typeof held.value.requestId !== 'string') return false;
  const at = typeof held.value.at === 'string' ? Date.parse(held.value.at) : Number.NaN;
  if (!(at + scaleOutCooldownSeconds * 1000 <= now.getTime())) return false;
  const holder = await store.get(held.value.requestId);
  return holder !== undefined && holder.state !== 'RECEIVED';
};
