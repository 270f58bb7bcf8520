import type { ApprovalRecord } from '#shared/domain/approval-record.ts';
import type { BudgetCheck } from '#shared/domain/budget-summary.ts';
import type { PlanPrice } from '#shared/domain/plan-price.ts';
import type { ReplicaPlan } from '#shared/domain/replica-plan.ts';
import type { Requester } from '#shared/domain/replica-request.ts';
import type { Failure, ReplicaInstance, RuleViolation, WebhookType } from '#shared/domain/request-record.ts';
import type { RequestState } from '#shared/domain/request-state.ts';
import type { FieldIssue } from '#shared/errors.ts';
import type { AnsweringSourceId } from '#shared/ingress/sources.ts';
import type { DeliveryResult } from '#shared/ports/webhook-sender.ts';

/** The sources that are told of a completion where the request came from (besides the webhook): each with `answers` in its `source.ts`. */
export type SourceTarget = AnsweringSourceId;

/** What a source is told when its request ends: each adapter formats it in its own way. */
export interface Completion {
  readonly type: WebhookType;
  readonly requestId: string;
  readonly state: RequestState;
  /** Who asked and where to answer (`context.channel` for Slack, `context.issueKey` for Jira). */
  readonly requester: Requester;
  readonly primary: string;
  readonly region?: string;
  readonly zone?: string;
  readonly instances: readonly ReplicaInstance[];
  /** From the request's arrival to its terminal state. */
  readonly elapsedSeconds?: number;
  readonly failure?: Failure;
  readonly violations: readonly RuleViolation[];
  /** For dry runs and requests awaiting approval: what would be created. */
  readonly plan?: ReplicaPlan;
  /** Tencent's quote for the plan, when validate got one. */
  readonly price?: PlanPrice;
  /** The budgets the plan touches and whether approval would be needed, where the policy has them. */
  readonly budgetCheck?: BudgetCheck;
  /** Why it waits for approval, until when, and (once made) the decision. */
  readonly approval?: ApprovalRecord;
}

/** Posts a completion to the source a request came from. Never throws: a failure is a `DeliveryResult`. */
export interface SourceNotifier {
  notify(completion: Completion): Promise<DeliveryResult>;
}

/** A ticket system can also be told, at once, that a ticket could not be read as a request. */
export interface TicketCommenter extends SourceNotifier {
  rejectTicket(issueKey: string, problems: readonly FieldIssue[]): Promise<DeliveryResult>;
}

export interface SourceNotifiers {
  readonly slack?: SourceNotifier;
  readonly jira?: TicketCommenter;
}
