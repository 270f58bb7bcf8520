import type { RequestState } from '#shared/domain/request-state-names.ts';

/**
 * Who may move a request, and when: one row per (from, to, actor). The store refuses any state change
 * without a row before it writes anything (`assertTransition`), `ALLOWED` in request-state.ts is
 * derived from these rows, and the README's state diagram is generated from them
 * (`npx tsx scripts/state-diagram.ts --write`). Each actor's rows are issued from one module,
 * `shared/transitions/<actor>-transitions.ts`.
 *
 * - `ingest`: the intake paths (API, chat, tickets, alerts) record a new request (a conditional put).
 * - `validate`: the requests queue's worker (policy, callback URL, Tencent pre-checks, scale-out gate).
 * - `approval`: an approver's decision (Slack button, Jira transition, an `approver` API key).
 * - `create`: the create queue's worker; the only one that calls CreateReadOnlyDBInstance.
 * - `poll`: the scheduled poller (lease expiry, reconciliation, orders, instances, deadlines).
 * - `remove`: the removal worker (read-only group, deletion protection, isolate, destroy).
 *
 * Notifications and the operator commands (`dlq redrive`, dead-letter marking) change no request
 * state: they write the notification outbox fields with `RequestStore.update`, never `transition`.
 */
export const TRANSITION_ACTORS = ['ingest', 'validate', 'approval', 'create', 'poll', 'remove'] as const;
export type TransitionActor = (typeof TRANSITION_ACTORS)[number];

export interface TransitionRow {
  /** `null`: the row that creates the record (the conditional put). */
  readonly from: RequestState | null;
  readonly to: RequestState;
  readonly actor: TransitionActor;
  /** What happened, in one short sentence. */
  readonly trigger: string;
  /**
   * Set when no code issues the row: `unused` rows were allowed before this table and nothing
   * issues them. The store allows them all the same.
   */
  readonly reserved?: 'unused';
}

// biome-ignore format: a table reads one row a line
export const TRANSITIONS: readonly TransitionRow[] = [
  // Intake
  { from: null, to: 'RECEIVED', actor: 'ingest', trigger: 'a request was recorded under its idempotency key' },

  // Validation (the scale-out gate runs inside it)
  { from: 'RECEIVED', to: 'VALIDATED', actor: 'validate', trigger: 'every rule and pre-check passed; the create is queued' },
  { from: 'RECEIVED', to: 'REJECTED', actor: 'validate', trigger: 'a policy, callback URL or Tencent pre-check rule failed' },
  { from: 'RECEIVED', to: 'SUPPRESSED', actor: 'validate', trigger: 'the scale-out gate refused an alert (disabled, maximum, cooldown)' },
  { from: 'RECEIVED', to: 'DRY_RUN', actor: 'validate', trigger: 'a dry run passed every check; nothing is created' },

  // Spending: approval after the checks, before the create (shared/use-cases/decide-approval.ts).
  { from: 'RECEIVED', to: 'AWAITING_APPROVAL', actor: 'validate', trigger: 'the checks passed but the spend needs an approver' },
  { from: 'AWAITING_APPROVAL', to: 'VALIDATED', actor: 'approval', trigger: 'an approver approved; the create is queued' },
  { from: 'AWAITING_APPROVAL', to: 'REJECTED', actor: 'approval', trigger: 'an approver denied it' },
  { from: 'AWAITING_APPROVAL', to: 'EXPIRED', actor: 'poll', trigger: 'no decision before the approval window ended' },

  // The create call (DESIGN.md exactly-once steps 2 and 3)
  { from: 'VALIDATED', to: 'CREATING', actor: 'create', trigger: 'took the lease; the one create call goes out' },
  { from: 'VALIDATED', to: 'FAILED', actor: 'poll', trigger: 'it can no longer be created', reserved: 'unused' },
  { from: 'VALIDATED', to: 'TIMED_OUT', actor: 'poll', trigger: 'its deadline passed before any create call' },
  { from: 'CREATING', to: 'SUBMITTED', actor: 'create', trigger: 'Tencent accepted the create' },
  { from: 'CREATING', to: 'VALIDATED', actor: 'create', trigger: 'Tencent refused the create before accepting it (throttled); lease released' },
  { from: 'CREATING', to: 'FAILED', actor: 'create', trigger: 'Tencent answered with a business error' },
  { from: 'CREATING', to: 'UNKNOWN', actor: 'create', trigger: "the call's outcome is unknown (timeout, reset, 5xx, InternalError)" },
  { from: 'CREATING', to: 'UNKNOWN', actor: 'poll', trigger: 'the lease expired during the create call' },

  // Reconciliation (DESIGN.md exactly-once step 3)
  { from: 'UNKNOWN', to: 'SUBMITTED', actor: 'create', trigger: 'the late answer arrived after the lease expired; adopted' },
  { from: 'UNKNOWN', to: 'SUBMITTED', actor: 'poll', trigger: 'reconciliation found the replica by tag and name; adopted' },
  { from: 'UNKNOWN', to: 'VALIDATED', actor: 'poll', trigger: 'nothing found for longer than the visibility grace; the create is re-issued' },
  { from: 'UNKNOWN', to: 'FAILED', actor: 'poll', trigger: 'reconciliation gave up', reserved: 'unused' },
  { from: 'UNKNOWN', to: 'TIMED_OUT', actor: 'poll', trigger: 'nothing found by tag and name by the deadline' },

  // Provisioning
  { from: 'SUBMITTED', to: 'PROVISIONING', actor: 'poll', trigger: 'the order resolved to instance ids, or the instances became visible' },
  { from: 'SUBMITTED', to: 'READY', actor: 'poll', trigger: 'every instance was already running' },
  { from: 'SUBMITTED', to: 'FAILED', actor: 'poll', trigger: 'an instance ended in a failed status' },
  { from: 'SUBMITTED', to: 'TIMED_OUT', actor: 'poll', trigger: 'no instance ids or not running by the deadline' },
  { from: 'PROVISIONING', to: 'READY', actor: 'poll', trigger: 'every instance is running' },
  { from: 'PROVISIONING', to: 'FAILED', actor: 'poll', trigger: 'an instance ended in a failed status' },
  { from: 'PROVISIONING', to: 'TIMED_OUT', actor: 'poll', trigger: 'not running by the deadline' },

  // Removal (DESIGN.md "The replica fleet"): a removal request is validated (or SUPPRESSED) like a
  // creation, then walks these rows; each Tencent step is read back before anything is re-issued.
  // Issued from shared/transitions/remove-transitions.ts and poll-transitions.ts; the use cases keep
  // the kinds apart (`kind: 'removal'` records only; see shared/use-cases/remove-replica.ts).
  { from: 'VALIDATED', to: 'DRAINING', actor: 'remove', trigger: 'took the removal lease; the replica leaves its read-only group' },
  { from: 'DRAINING', to: 'ISOLATING', actor: 'remove', trigger: 'the group task finished; deletion protection lifted, IsolateDBInstances sent' },
  { from: 'ISOLATING', to: 'ISOLATED', actor: 'poll', trigger: 'the replica reads back isolated' },
  { from: 'ISOLATED', to: 'DESTROYED', actor: 'remove', trigger: 'DestroyDBInstance removed it for good' },
  { from: 'ISOLATED', to: 'REMOVED', actor: 'remove', trigger: 'the policy leaves it in the recycle bin' },
  { from: 'DRAINING', to: 'REMOVAL_FAILED', actor: 'remove', trigger: 'a removal step failed with a business error' },
  { from: 'ISOLATING', to: 'REMOVAL_FAILED', actor: 'poll', trigger: 'the replica did not isolate' },
  { from: 'ISOLATED', to: 'REMOVAL_FAILED', actor: 'remove', trigger: 'DestroyDBInstance failed with a business error' },
];

/** The row for a state change by an actor, or undefined when the actor may not make it. */
export const transitionRow = (
  from: RequestState,
  to: RequestState,
  actor: TransitionActor,
): TransitionRow | undefined =>
  TRANSITIONS.find((row) => row.from === from && row.to === to && row.actor === actor);
