import type { RequestRecord } from '#shared/domain/request-record.ts';
import { ConcurrentUpdateError } from '#shared/errors.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';

/** Writes tried before a change that keeps racing gives up. */
export const LEASE_TRIES = 5;

/**
 * Writes at the version this delivery leased, or at a later one while the record is still
 * CREATING under the same lease and attempt: a write that kept the state (an approval announcement's
 * delivery records its attempt on the record) is no reason to leave the answer unstored until the
 * lease expires. Any other change (the lease expired and the poller marked it UNKNOWN) is thrown.
 */
export const writeUnderLease = async <T>(
  leased: RequestRecord,
  deps: { readonly store: Pick<RequestStore, 'get'> },
  write: (expectedVersion: number) => Promise<T>,
): Promise<T> => {
  let version = leased.version;
  for (let tries = 1; ; tries += 1) {
    try {
      return await write(version);
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || tries >= LEASE_TRIES) throw error;
      const current = await deps.store.get(leased.requestId);
      const ours =
        current?.state === 'CREATING' &&
        current.lease?.owner === leased.lease?.owner &&
        current.creation?.attempt === leased.creation?.attempt;
      if (!current || !ours) throw error;
      version = current.version;
    }
  }
};
