import { issuedBy } from '#shared/transitions/issued-by.ts';

/** The state changes the validate worker owns (request-transitions.ts, actor `validate`). */

/** Every rule and pre-check passed; the caller queues the create. */
export const markValidated = issuedBy('validate', 'RECEIVED', 'VALIDATED');
/** A rule failed; the violations go with it. */
export const rejectRequest = issuedBy('validate', 'RECEIVED', 'REJECTED');
/** A dry run passed every check; nothing is created. */
export const endDryRun = issuedBy('validate', 'RECEIVED', 'DRY_RUN');
/** The scale-out gate refused an alert-driven request. */
export const suppressScaleOut = issuedBy('validate', 'RECEIVED', 'SUPPRESSED');
/** The checks passed, but the spend needs an approver first (`approval` in the policy). */
export const awaitApproval = issuedBy('validate', 'RECEIVED', 'AWAITING_APPROVAL');
