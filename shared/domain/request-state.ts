import { REQUEST_STATES, type RequestState } from '#shared/domain/request-state-names.ts';
import { TRANSITIONS, type TransitionActor, transitionRow } from '#shared/domain/request-transitions.ts';
import { IllegalTransitionError } from '#shared/errors.ts';

/**
 * The life of a replica request (DESIGN.md, "Request record"). Who moves it, and when, is the table
 * in request-transitions.ts; the allowed changes below are derived from it.
 *
 *   RECEIVED → VALIDATED → CREATING → SUBMITTED → PROVISIONING → READY
 *   terminal: READY, REJECTED, FAILED, TIMED_OUT, SUPPRESSED, DRY_RUN, EXPIRED
 *   UNKNOWN while a create call's outcome is being reconciled.
 *   RECEIVED → AWAITING_APPROVAL → VALIDATED | REJECTED (an approver's decision) | EXPIRED (no decision in time).
 *
 * Removals (`kind: 'removal'`): RECEIVED → VALIDATED → DRAINING → ISOLATING → ISOLATED →
 * DESTROYED | REMOVED, or REMOVAL_FAILED. Spending: RECEIVED → AWAITING_APPROVAL → VALIDATED, or
 * REJECTED (denied) or EXPIRED.
 */
export { REQUEST_STATES, type RequestState } from '#shared/domain/request-state-names.ts';

export const TERMINAL_STATES: ReadonlySet<RequestState> = new Set([
  'READY',
  'REJECTED',
  'FAILED',
  'TIMED_OUT',
  'SUPPRESSED',
  'DRY_RUN',
  'EXPIRED',
  'DESTROYED',
  'REMOVED',
  'REMOVAL_FAILED',
]);

/** The states each state may move to, by any actor, in the table's order. */
const ALLOWED: Readonly<Record<RequestState, readonly RequestState[]>> = Object.fromEntries(
  REQUEST_STATES.map((state) => [
    state,
    [...new Set(TRANSITIONS.filter((row) => row.from === state).map((row) => row.to))],
  ]),
) as unknown as Record<RequestState, readonly RequestState[]>;

export const isTerminal = (state: RequestState): boolean => TERMINAL_STATES.has(state);

export const canTransition = (from: RequestState, to: RequestState): boolean => ALLOWED[from].includes(to);

/**
 * Throws `IllegalTransitionError` unless the table has a row for the change; with an actor, a row
 * for that actor (the store's check: an actor moves a request only along its own rows).
 */
export const assertTransition = (from: RequestState, to: RequestState, actor?: TransitionActor): void => {
  const allowed =
    actor === undefined ? canTransition(from, to) : transitionRow(from, to, actor) !== undefined;
  if (!allowed) throw new IllegalTransitionError(from, to, actor);
};

export const allowedTransitions = (from: RequestState): readonly RequestState[] => ALLOWED[from];
