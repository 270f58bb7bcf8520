import { IllegalTransitionError } from '#shared/errors.ts';

/**
 * The life of a replica request (DESIGN.md, "Request record").
 *
 *   RECEIVED → VALIDATED → CREATING → SUBMITTED → PROVISIONING → READY
 *   terminal: READY, REJECTED, FAILED, TIMED_OUT, SUPPRESSED, DRY_RUN
 *   UNKNOWN while a create call's outcome is being reconciled.
 */
export const REQUEST_STATES = [
  'RECEIVED',
  'VALIDATED',
  'CREATING',
  'SUBMITTED',
  'PROVISIONING',
  'UNKNOWN',
  'READY',
  'REJECTED',
  'FAILED',
  'TIMED_OUT',
  'SUPPRESSED',
  'DRY_RUN',
] as const;

export type RequestState = (typeof REQUEST_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<RequestState> = new Set([
  'READY',
  'REJECTED',
  'FAILED',
  'TIMED_OUT',
  'SUPPRESSED',
  'DRY_RUN',
]);

const ALLOWED: Readonly<Record<RequestState, readonly RequestState[]>> = {
  RECEIVED: ['VALIDATED', 'REJECTED', 'SUPPRESSED', 'DRY_RUN'],
  // VALIDATED → FAILED: a request that can no longer be created (e.g. its deadline passed before any call).
  VALIDATED: ['CREATING', 'FAILED', 'TIMED_OUT'],
  // CREATING → VALIDATED: the call was refused before Tencent accepted it (throttled); the lease is released.
  CREATING: ['SUBMITTED', 'VALIDATED', 'FAILED', 'UNKNOWN'],
  SUBMITTED: ['PROVISIONING', 'READY', 'FAILED', 'TIMED_OUT'],
  PROVISIONING: ['READY', 'FAILED', 'TIMED_OUT'],
  // UNKNOWN → SUBMITTED: reconciliation found the replica (or the late answer arrived) and adopted it.
  // UNKNOWN → VALIDATED: nothing found for longer than the visibility grace period; the create may be re-issued.
  UNKNOWN: ['SUBMITTED', 'VALIDATED', 'FAILED', 'TIMED_OUT'],
  READY: [],
  REJECTED: [],
  FAILED: [],
  TIMED_OUT: [],
  SUPPRESSED: [],
  DRY_RUN: [],
};

export const isTerminal = (state: RequestState): boolean => TERMINAL_STATES.has(state);

export const canTransition = (from: RequestState, to: RequestState): boolean => ALLOWED[from].includes(to);

export const assertTransition = (from: RequestState, to: RequestState): void => {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
};

export const allowedTransitions = (from: RequestState): readonly RequestState[] => ALLOWED[from];
