/** Every state a replica request can be in (what each means, and who moves it: request-state.ts). */
export const REQUEST_STATES = [
  'RECEIVED',
  'VALIDATED',
  'CREATING',
  'SUBMITTED',
  'PROVISIONING',
  'UNKNOWN',
  'READY',
  'REJECTED',
  'FAILED',
  'TIMED_OUT',
  'SUPPRESSED',
  'DRY_RUN',
  'AWAITING_APPROVAL',
  'EXPIRED',
  'DRAINING',
  'ISOLATING',
  'ISOLATED',
  'DESTROYED',
  'REMOVED',
  'REMOVAL_FAILED',
] as const;

export type RequestState = (typeof REQUEST_STATES)[number];
