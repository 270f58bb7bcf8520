import type { ActionEnv } from '#emulator/actions/action.ts';
import { ApiError } from '#emulator/protocol/api-error.ts';
import type { ZoneLocation } from '#emulator/state/emulator-state.ts';

/**
 * The catalog actions' zone (DescribeClasses, InquiryPriceCreateDBInstances): a zone of the called
 * region, else `InvalidParameterValue.InvalidZoneIdError`. (A purchase refuses it as `IllegalZone`.)
 */
export const zoneOfRegion = (env: ActionEnv, zone: string, region: string): ZoneLocation => {
  const found = env.state.zone(zone);
  if (!found || found.region !== region) {
    throw new ApiError(
      'InvalidParameterValue.InvalidZoneIdError',
      `Zone \`${zone}\` is not a zone of region ${region}.`,
    );
  }
  return found;
};
