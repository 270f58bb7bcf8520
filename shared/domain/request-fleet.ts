import type { FallbackTarget, FleetPolicy, ReadOnlyGroupPolicy } from '#shared/domain/policy-fleet.ts';

/**
 * What the create of one request may do beyond its plan, copied from the primary's policy when the
 * request is validated (so an approver sees it, and a policy change mid-flight changes nothing):
 * the `{Zone, SpecCode}` alternatives to try after a capacity or spec refusal, and the read-only
 * group every replica joins.
 */
export interface RequestFleet {
  readonly fallback: readonly FallbackTarget[];
  readonly readOnlyGroup: ReadOnlyGroupPolicy;
}

/** The snapshot of a primary's fleet policy; undefined when there is nothing to do beyond the plan. */
export const requestFleetOf = (fleet: FleetPolicy): RequestFleet | undefined =>
  fleet.fallback.length === 0 && fleet.readOnlyGroup.mode === 'none'
    ? undefined
    : { fallback: fleet.fallback, readOnlyGroup: fleet.readOnlyGroup };
