import { describe, expect, it } from 'vitest';
import {
  allowedTransitions,
  assertTransition,
  canTransition,
  isTerminal,
  REQUEST_STATES,
  type RequestState,
  TERMINAL_STATES,
} from '#shared/domain/request-state.ts';
import { IllegalTransitionError } from '#shared/errors.ts';

const NON_TERMINAL = REQUEST_STATES.filter((state) => !TERMINAL_STATES.has(state));

/** Every state reachable from `from` by allowed transitions. */
const reachableFrom = (from: RequestState): Set<RequestState> => {
  const seen = new Set<RequestState>([from]);
  const queue: RequestState[] = [from];
  for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
    for (const next of allowedTransitions(state)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
};

describe('request state machine', () => {
  it('follows the happy path RECEIVED → VALIDATED → CREATING → SUBMITTED → PROVISIONING → READY', () => {
    const path: RequestState[] = ['RECEIVED', 'VALIDATED', 'CREATING', 'SUBMITTED', 'PROVISIONING', 'READY'];

    for (let index = 1; index < path.length; index++) {
      const from = path[index - 1] as RequestState;
      const to = path[index] as RequestState;
      expect(canTransition(from, to), `${from} → ${to}`).toBe(true);
    }
  });

  it('lets a replica that is already running skip PROVISIONING', () => {
    expect(canTransition('SUBMITTED', 'READY')).toBe(true);
  });

  it('refuses a state change the machine does not allow', () => {
    expect(() => assertTransition('RECEIVED', 'CREATING')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('RECEIVED', 'CREATING')).toThrow(
      expect.objectContaining({
        code: 'ILLEGAL_TRANSITION',
        from: 'RECEIVED',
        to: 'CREATING',
        message: 'A request cannot move from RECEIVED to CREATING',
      }),
    );
  });

  it('allows a change it lists without throwing', () => {
    expect(() => assertTransition('CREATING', 'UNKNOWN')).not.toThrow();
  });

  it.each([...TERMINAL_STATES])('%s is terminal: nothing leaves it', (state) => {
    expect(isTerminal(state)).toBe(true);
    expect(allowedTransitions(state)).toEqual([]);
    for (const to of REQUEST_STATES) expect(canTransition(state, to)).toBe(false);
  });

  it.each(NON_TERMINAL)('%s is not terminal and can still end', (state) => {
    expect(isTerminal(state)).toBe(false);
    expect([...reachableFrom(state)].some(isTerminal)).toBe(true);
  });

  it('never moves a request to the state it is in', () => {
    for (const state of REQUEST_STATES) expect(canTransition(state, state)).toBe(false);
  });

  it('never returns to RECEIVED, so a request is validated at most once', () => {
    for (const state of REQUEST_STATES) expect(canTransition(state, 'RECEIVED')).toBe(false);
  });

  it('reaches every state from RECEIVED', () => {
    expect(reachableFrom('RECEIVED')).toEqual(new Set(REQUEST_STATES));
  });

  it('only enters CREATING from VALIDATED, so every create call follows a lease on a validated record', () => {
    const into = REQUEST_STATES.filter((state) => canTransition(state, 'CREATING'));

    expect(into).toEqual(['VALIDATED']);
  });

  it('resolves UNKNOWN only by reconciliation: adopt (SUBMITTED), re-issue (VALIDATED), or give up', () => {
    expect(allowedTransitions('UNKNOWN')).toEqual(['SUBMITTED', 'VALIDATED', 'FAILED', 'TIMED_OUT']);
    expect(canTransition('UNKNOWN', 'CREATING')).toBe(false);
  });

  it('enters UNKNOWN only from CREATING, when a create call has no known outcome', () => {
    expect(REQUEST_STATES.filter((state) => canTransition(state, 'UNKNOWN'))).toEqual(['CREATING']);
  });

  it('decides SUPPRESSED and DRY_RUN at validation only', () => {
    for (const end of ['SUPPRESSED', 'DRY_RUN'] as const) {
      expect(REQUEST_STATES.filter((state) => canTransition(state, end))).toEqual(['RECEIVED']);
    }
  });

  it("decides REJECTED at validation, or by an approver's denial while awaiting approval", () => {
    expect(REQUEST_STATES.filter((state) => canTransition(state, 'REJECTED'))).toEqual([
      'RECEIVED',
      'AWAITING_APPROVAL',
    ]);
  });
});
