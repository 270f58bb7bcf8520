import type { RequestState } from '#shared/domain/request-state.ts';

/**
 * A request's states without PROVISIONING. A poll sees PROVISIONING only when it meets the replica
 * before it runs; on a busy machine the first poll after SUBMITTED may already find it running, and
 * SUBMITTED → READY is a legal step. Tests of the path compare this, so they hold either way.
 */
export const pathWithoutProvisioning = (states: readonly RequestState[]): RequestState[] =>
  states.filter((state) => state !== 'PROVISIONING');
