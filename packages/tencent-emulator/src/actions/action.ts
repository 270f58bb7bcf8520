import type * as z from 'zod';
import type { ResponseBody } from '#emulator/protocol/envelope.ts';
import type { EmulatorState } from '#emulator/state/emulator-state.ts';
import type { ProvisioningOutcome } from '#emulator/state/records.ts';
import type { Timings } from '#emulator/world/world-schema.ts';

/** What an action sees of the emulator. */
export interface ActionEnv {
  readonly state: EmulatorState;
  /** Timings in force now; new replicas are scheduled with them. */
  readonly timings: Timings;
}

/** One authenticated, rate-checked call with validated parameters. */
export interface ActionCall<P> {
  readonly params: P;
  readonly region: string;
  readonly secretId: string;
  readonly requestId: string;
  readonly now: number;
  /** Emulator extension (`X-Emulator-Verify: 1`): validate everything, create nothing. */
  readonly verifyOnly: boolean;
  /** How provisioning of anything created by this call ends (set by fault injection). */
  readonly provisioning: ProvisioningOutcome;
}

/**
 * One API action: its parameter schema (unknown keys, missing and mistyped parameters are
 * answered by the protocol layer) and a synchronous handler that throws `ApiError`.
 */
export interface ActionDefinition<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly params: S;
  handle(env: ActionEnv, call: ActionCall<z.output<S>>): ResponseBody;
}

export const defineAction = <S extends z.ZodType>(definition: ActionDefinition<S>): ActionDefinition<S> =>
  definition;
