import type { FleetState } from '#shared/domain/fleet-state.ts';

/**
 * Per-primary fleet states (`fleet-state.ts`), sharing the request table. Separate from
 * `RequestStore` so its fakes need not grow.
 */
export interface FleetStateStore {
  /** The primary's state, or undefined when none was written. */
  getFleetState(primaryId: string): Promise<FleetState | undefined>;
  /**
   * Conditional write of `state` (whose `version` must be `expectedVersion + 1`): true when written,
   * false when the stored version is not `expectedVersion` (0: when none is stored).
   */
  putFleetState(state: FleetState, expectedVersion: number): Promise<boolean>;
  /** Every primary's state (one partition: as many items as primaries ever alerted on). */
  listFleetStates(): Promise<readonly FleetState[]>;
}
