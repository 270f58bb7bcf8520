import { issuedBy } from '#shared/transitions/issued-by.ts';

/** The state changes the create worker owns (request-transitions.ts, actor `create`). */

/** Takes the lease: only the delivery whose write succeeds calls Tencent. */
export const takeCreateLease = issuedBy('create', 'VALIDATED', 'CREATING');
/** Tencent accepted the create. */
export const storeAccepted = issuedBy('create', 'CREATING', 'SUBMITTED');
/** The answer arrived after the poller moved the record to UNKNOWN: adopt it. */
export const adoptLateAnswer = issuedBy('create', 'UNKNOWN', 'SUBMITTED');
/** Tencent refused before accepting (throttled): the lease is released and the message retried. */
export const releaseRefusedCreate = issuedBy('create', 'CREATING', 'VALIDATED');
/** Tencent answered with a business error. */
export const failCreate = issuedBy('create', 'CREATING', 'FAILED');
/** The call's outcome is unknown: the poller reconciles. */
export const markCreateUnknown = issuedBy('create', 'CREATING', 'UNKNOWN');
