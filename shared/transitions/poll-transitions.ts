import type { RequestState } from '#shared/domain/request-state.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import { issuedBy, type OwnedTransition, type TransitionChange } from '#shared/transitions/issued-by.ts';

/** The state changes the poller owns (request-transitions.ts, actor `poll`), by step of its cycle. */

// Time out a scale-out whose deadline passed before any create call was accepted.
export const timeOutUncreated = issuedBy('poll', 'VALIDATED', 'TIMED_OUT');
// Expire leases: a CREATING record whose lease ran out belongs to an invocation that died.
export const expireLease = issuedBy('poll', 'CREATING', 'UNKNOWN');
// Reconcile: adopt what was found by tag and name; re-issue after the grace period; or give up at the deadline.
export const adoptFound = issuedBy('poll', 'UNKNOWN', 'SUBMITTED');
export const reissueCreate = issuedBy('poll', 'UNKNOWN', 'VALIDATED');
export const timeOutUnknown = issuedBy('poll', 'UNKNOWN', 'TIMED_OUT');
// Expire approvals: no decision before the approval window ended.
export const expireApproval = issuedBy('poll', 'AWAITING_APPROVAL', 'EXPIRED');
// Resolve orders and check instances.
export const startProvisioning = issuedBy('poll', 'SUBMITTED', 'PROVISIONING');
export const readyAtOnce = issuedBy('poll', 'SUBMITTED', 'READY');
export const failSubmitted = issuedBy('poll', 'SUBMITTED', 'FAILED');
export const timeOutSubmitted = issuedBy('poll', 'SUBMITTED', 'TIMED_OUT');
export const markReady = issuedBy('poll', 'PROVISIONING', 'READY');
export const failProvisioning = issuedBy('poll', 'PROVISIONING', 'FAILED');
export const timeOutProvisioning = issuedBy('poll', 'PROVISIONING', 'TIMED_OUT');
// Removals: read the isolating replica back (poll-removals.ts).
export const markIsolated = issuedBy('poll', 'ISOLATING', 'ISOLATED');
export const failIsolating = issuedBy('poll', 'ISOLATING', 'REMOVAL_FAILED');

const OWNED: readonly OwnedTransition[] = [
  timeOutUncreated,
  expireLease,
  adoptFound,
  reissueCreate,
  timeOutUnknown,
  startProvisioning,
  readyAtOnce,
  failSubmitted,
  timeOutSubmitted,
  markReady,
  failProvisioning,
  timeOutProvisioning,
  markIsolated,
  failIsolating,
  expireApproval,
];

/**
 * The cycle decides the target from what it read (`from` is the record's state): the change it
 * owns for that pair. A pair it does not own goes to the store as the poller's, which refuses it
 * with `IllegalTransitionError` before writing.
 */
export const pollTransition = (
  store: Pick<RequestStore, 'transition'>,
  from: RequestState,
  to: RequestState,
  change: TransitionChange,
) => {
  const owned = OWNED.find((transition) => transition.row.from === from && transition.row.to === to);
  return owned ? owned(store, change) : store.transition({ ...change, from, to, actor: 'poll' });
};
