import { issuedBy } from '#shared/transitions/issued-by.ts';

/**
 * The state changes the removal worker owns (request-transitions.ts, actor `remove`). Only records
 * of `kind: 'removal'` are moved by them (`remove-replica.ts` checks the kind before any of these).
 */

/** Takes the removal lease: only the delivery whose write succeeds starts the Tencent steps. */
export const takeRemovalLease = issuedBy('remove', 'VALIDATED', 'DRAINING');
/** Out of its read-only group (or never in one); IsolateDBInstances was sent or found done. */
export const markIsolating = issuedBy('remove', 'DRAINING', 'ISOLATING');
/** A step before isolation failed with a business error (or the safety rules refused it). */
export const failDraining = issuedBy('remove', 'DRAINING', 'REMOVAL_FAILED');
/** DestroyDBInstance removed the isolated replica for good (policy `destroy: immediate`). */
export const markDestroyed = issuedBy('remove', 'ISOLATED', 'DESTROYED');
/** The policy leaves the isolated replica in the recycle bin (`destroy: recycle-bin`). */
export const leaveInRecycleBin = issuedBy('remove', 'ISOLATED', 'REMOVED');
/** DestroyDBInstance failed with a business error (or the safety rules refused it). */
export const failDestroy = issuedBy('remove', 'ISOLATED', 'REMOVAL_FAILED');
