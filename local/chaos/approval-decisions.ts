import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosRandom } from '#local/chaos/chaos-random.ts';

/** Share of waiting requests denied (the rest approved), and of decisions raced by a second one at once. */
const DENY_SHARE = 0.25;
const RACE_SHARE = 0.4;

export interface ApprovalCounts {
  approvalsSent: number;
  denialsSent: number;
  /** Decisions sent together with a second, opposite one (exactly one may win). */
  racedDecisions: number;
  /** Decisions answered 200: exactly one per waiting request. */
  decisionsWon: number;
  /** Decisions answered 409 (the other one won). */
  decisionsClosed: number;
}

/**
 * The chaos run's approver: each submitted request that stops AWAITING_APPROVAL is approved or denied
 * through `POST /v1/replica-requests/{id}/approval` with an approver key, some with an opposite
 * decision sent at the same instant (a race exactly one must win).
 */
export const approvalDecisions = (
  ingressUrl: string,
  approverKey: string,
  statusOf: (requestId: string) => Promise<string | undefined>,
  random: ChaosRandom,
) => {
  const counts: ApprovalCounts = {
    approvalsSent: 0,
    denialsSent: 0,
    racedDecisions: 0,
    decisionsWon: 0,
    decisionsClosed: 0,
  };
  const decide = async (requestId: string, decision: 'approve' | 'deny') => {
    if (decision === 'approve') counts.approvalsSent += 1;
    else counts.denialsSent += 1;
    const response = await fetch(new URL(`/v1/replica-requests/${requestId}/approval`, ingressUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${approverKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decision, reason: 'chaos approver' }),
    });
    await response.body?.cancel().catch(() => undefined);
    if (response.status === 200) counts.decisionsWon += 1;
    else if (response.status === 409) counts.decisionsClosed += 1;
  };
  /** Waits (up to `timeoutMs`) for the request to leave RECEIVED; decides it if it waits for approval. */
  const watch = async (requestId: string, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    let state = await statusOf(requestId);
    while ((state === undefined || state === 'RECEIVED') && Date.now() < deadline) {
      await sleep(200);
      state = await statusOf(requestId);
    }
    if (state !== 'AWAITING_APPROVAL') return;
    const decision = random.chance(DENY_SHARE) ? 'deny' : 'approve';
    if (random.chance(RACE_SHARE)) {
      counts.racedDecisions += 2;
      await Promise.allSettled([
        decide(requestId, decision),
        decide(requestId, decision === 'approve' ? 'deny' : 'approve'),
      ]);
      return;
    }
    await decide(requestId, decision).catch(() => undefined);
  };
  return { watch, counts: () => ({ ...counts }) };
};
