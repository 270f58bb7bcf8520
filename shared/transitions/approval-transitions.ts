import { issuedBy } from '#shared/transitions/issued-by.ts';

/** The state changes an approver's decision owns (request-transitions.ts, actor `approval`). */

/** An approver approved: the caller queues the create. */
export const approveRequest = issuedBy('approval', 'AWAITING_APPROVAL', 'VALIDATED');
/** An approver denied it. */
export const denyRequest = issuedBy('approval', 'AWAITING_APPROVAL', 'REJECTED');
