import type { RequestRecord } from '#shared/domain/request-record.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import {
  type TransitionActor,
  type TransitionRow,
  transitionRow,
} from '#shared/domain/request-transitions.ts';
import type { RequestStore, TransitionCommand } from '#shared/ports/request-store.ts';

/** A transition's command without what its row fixes (from, to, actor). */
export type TransitionChange = Omit<TransitionCommand, 'from' | 'to' | 'actor'>;

/** One named state change an actor owns: the row it issues, and the call that issues it. */
export interface OwnedTransition {
  (store: Pick<RequestStore, 'transition'>, change: TransitionChange): Promise<RequestRecord>;
  readonly row: TransitionRow;
}

/**
 * The state change `from → to` by `actor`, as a function. Fails when the module loads if the table
 * has no such row, so a module cannot name a change its actor does not own.
 */
export const issuedBy = (actor: TransitionActor, from: RequestState, to: RequestState): OwnedTransition => {
  const row = transitionRow(from, to, actor);
  if (!row) throw new Error(`request-transitions.ts has no row ${from} → ${to} by ${actor}`);
  const issue = (store: Pick<RequestStore, 'transition'>, change: TransitionChange) =>
    store.transition({ ...change, from, to, actor });
  return Object.assign(issue, { row });
};
