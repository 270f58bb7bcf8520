import { scaleInIdempotencyKey } from '#shared/domain/fleet-state.ts';
import { requestIdFor } from '#shared/domain/idempotency.ts';
import type { RequestStore } from '#shared/ports/request-store.ts';
import { SCALE_IN_IDENTITY } from '#shared/use-cases/scale-in-step.ts';
import { removalScopeOf } from '#shared/use-cases/submit-removal.ts';

/** The primary whose alerts the chaos run sends: its policy has `scaleIn` and `minReplicas` 1. */
export const SCALE_IN_PRIMARY = { id: 'postgres-bjorder1', region: 'ap-beijing' } as const;

/** A candidacy a resolved alert made (the route's answer), by its `since` and first step's epoch. */
export interface SentCandidacy {
  readonly since: string;
  readonly epoch: number;
}

const SCALE_IN_SCOPE = removalScopeOf({ source: 'alertmanager', identity: SCALE_IN_IDENTITY });

/** A candidacy's steps' request ids: its epochs follow each other, one per step. */
export const stepIdOf = (candidacy: SentCandidacy, step: number): string =>
  requestIdFor(
    SCALE_IN_SCOPE,
    scaleInIdempotencyKey(SCALE_IN_PRIMARY.id, { since: candidacy.since, epoch: candidacy.epoch + step }),
  );

/**
 * The scale-in steps' removal requests, found in the store by the ids a step records under (the
 * candidacy and its epoch: `scaleInIdempotencyKey`, in the scope of a scale-in requester). A
 * candidacy's steps take consecutive epochs; the first missing one ends it.
 */
export const scaleInStepIds = async (
  store: Pick<RequestStore, 'get'>,
  candidacies: readonly SentCandidacy[],
): Promise<Map<string, string[]>> => {
  const steps = new Map<string, string[]>();
  for (const candidacy of candidacies) {
    const ids: string[] = [];
    for (let step = 0; ; step += 1) {
      const requestId = stepIdOf(candidacy, step);
      if (!(await store.get(requestId))) break;
      ids.push(requestId);
    }
    steps.set(candidacy.since, ids);
  }
  return steps;
};
