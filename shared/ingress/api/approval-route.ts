import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { NotFoundError } from '#shared/errors.ts';
import { type ApiKey, authenticateBearer, mayDecideApprovals } from '#shared/http/api-keys.ts';
import { forbidden, HttpError } from '#shared/http/http-error.ts';
import { jsonResponse } from '#shared/http/http-response.ts';
import { header, parseJsonBody } from '#shared/http/request-body.ts';
import { parseApprovalBody } from '#shared/ingress/api/approval-body.ts';
import { type DecideApprovalDependencies, decideApproval } from '#shared/use-cases/decide-approval.ts';
import { requestView } from '#shared/use-cases/request-view.ts';

export interface ApprovalRouteDependencies extends DecideApprovalDependencies {
  readonly apiKeys: readonly ApiKey[];
  readonly bodyLimitBytes: number;
}

/**
 * `POST /v1/replica-requests/{id}/approval` `{decision: approve | deny, reason?}` with an `approver`
 * (or `admin`) key: 200 with the request once the decision is written; 403 for other roles, for an
 * approver the policy does not list (`approval.approvers.apiKeys`) and for the requester's own key
 * (four eyes); 409 when nothing waits for a decision any more (decided, expired); 404 unknown.
 */
export const approvalRoute =
  (deps: ApprovalRouteDependencies) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const caller = authenticateBearer(header(event, 'authorization'), deps.apiKeys);
    if (!mayDecideApprovals(caller)) {
      throw forbidden(`A ${caller.role} key may not decide approvals: it needs the approver or admin role`);
    }
    const requestId = event.pathParameters?.id ?? '';
    if (!/^r-[a-z0-9]{16}$/.test(requestId)) throw new NotFoundError(`No replica request ${requestId}`);
    const body = parseApprovalBody(parseJsonBody(event, deps.bodyLimitBytes));
    const outcome = await decideApproval(deps, {
      requestId,
      decision: body.decision,
      approver: { source: 'api', id: caller.name, role: caller.role },
      ...(body.reason ? { reason: body.reason } : {}),
    });
    if (outcome.kind === 'not-found') throw new NotFoundError(`No replica request ${requestId}`);
    if (outcome.kind === 'refused') throw forbidden(`Not allowed to decide ${requestId}: ${outcome.reason}`);
    if (outcome.kind === 'closed') {
      throw new HttpError(
        409,
        'APPROVAL_CLOSED',
        `Request ${requestId} awaits no decision: ${outcome.reason}`,
      );
    }
    return jsonResponse(200, requestView(outcome.record));
  };
