import type { RequestState } from '#shared/domain/request-state.ts';
import { TRANSITIONS, type TransitionActor } from '#shared/domain/request-transitions.ts';

/**
 * The actor of the first row for `from → to` (request-transitions.ts), for tests that drive the store
 * directly; `poll` when there is no row, so an illegal change still reaches the store and is refused.
 */
export const ownerOf = (from: RequestState, to: RequestState): TransitionActor =>
  TRANSITIONS.find((row) => row.from === from && row.to === to)?.actor ?? 'poll';
