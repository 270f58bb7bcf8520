import type { ApprovalReason, ApproverIdentity } from '#shared/domain/approval-rules.ts';
import type { Requester } from '#shared/domain/replica-request.ts';

/** Who decided, as recorded and shown: the source, the identity there, and an API key's role. */
export interface Approver {
  readonly source: 'slack' | 'jira' | 'api';
  /** Slack user id, Jira account id, or API key name. */
  readonly id: string;
  readonly role?: string;
}

export const APPROVAL_DECISIONS = ['approve', 'deny'] as const;
export type ApprovalDecisionKind = (typeof APPROVAL_DECISIONS)[number];

/** The decision that ended the wait (exactly one: it is written with the state change). */
export interface RecordedDecision {
  readonly decision: ApprovalDecisionKind;
  readonly by: Approver;
  /** ISO-8601. */
  readonly at: string;
  readonly reason?: string;
}

/** Where a waiting request is announced to approvers besides its own source (`approval-announcement.ts`). */
export interface ApprovalAnnouncement {
  /** `approval.approvers.slackChannel` as it was when the request started waiting. */
  readonly slackChannel: string;
}

/**
 * The request's approval step, kept on the record from the moment it starts waiting: why it waits,
 * who asked, until when, and (once made) the decision. Every later webhook and the status API carry it.
 */
export interface ApprovalRecord {
  readonly reasons: readonly ApprovalReason[];
  readonly requester: Requester;
  /** When it started waiting (ISO-8601). */
  readonly requestedAt: string;
  /** Past this (ISO-8601) nobody may approve, and the poller ends the request EXPIRED. */
  readonly expiresAt: string;
  readonly decision?: RecordedDecision;
  /**
   * Recorded when it starts waiting, never re-read from the policy: every later announcement of this
   * request (awaiting, decided, expired, its end) also goes there, whatever the policy says by then.
   */
  readonly announceIn?: ApprovalAnnouncement;
  /** The Slack message with the Approve / Deny buttons, once posted (to update it with the decision). */
  readonly slackMessage?: { readonly channel: string; readonly ts: string };
}

/** `slack:U123`, `api:ops-key (approver)`: one approver in one line, for history notes and messages. */
export const approverLabel = (approver: Approver): string =>
  `${approver.source}:${approver.id}${approver.role ? ` (${approver.role})` : ''}`;

/** The identity the approval rules check (`mayApprove`), from the recorded approver. */
export const identityOf = (
  approver: Approver,
  jira: { readonly groups?: readonly string[]; readonly transitionTo?: string } = {},
): ApproverIdentity => {
  if (approver.source === 'slack') return { source: 'slack', userId: approver.id };
  if (approver.source === 'jira') return { source: 'jira', accountId: approver.id, ...jira };
  return { source: 'api', keyName: approver.id, role: approver.role ?? '' };
};

/** The approval as webhooks and the status API show it. */
export const renderApproval = (approval: ApprovalRecord) => ({
  reasons: approval.reasons.map((reason) => reason.message),
  requestedAt: approval.requestedAt,
  expiresAt: approval.expiresAt,
  decision: approval.decision
    ? {
        decision: approval.decision.decision,
        by: approval.decision.by,
        at: approval.decision.at,
        reason: approval.decision.reason ?? null,
      }
    : null,
});
