/**
 * The primary's scale-out marker (the one fleet change of a primary at a time): its name and how long
 * a scale-out holds it. Its own module so that what only reads the marker (scale-in, the fleet view,
 * removals) does not load the scale-out gate and the policy's plan resolution with it.
 */

/**
 * The marker is held at least this long even with `cooldownSeconds: 0`: long enough for the winner
 * to reach VALIDATED (then it is counted in flight), so two alerts arriving together cannot both
 * pass the replica count.
 */
export const MIN_SCALE_OUT_HOLD_SECONDS = 60;

export const scaleOutMarkerName = (primaryId: string): string => `scale-out#${primaryId}`;
