import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';

const params = z.strictObject({ StorageType: z.string().optional() });

/** DescribeZones: the world's zones of the region (every storage type is treated alike). */
export const describeZones = defineAction({
  name: 'DescribeZones',
  params,
  handle(env, call) {
    const zones = env.state.zonesOf(call.region);
    const zoneSet = zones.map((zone) => ({
      Zone: zone.zone,
      ZoneName: zone.zoneName,
      ZoneId: zone.zoneId,
      ZoneState: zone.state,
      ZoneSupportIpv6: zone.supportIpv6 ? 1 : 0,
      StandbyZoneSet: zones.filter((other) => other.zone !== zone.zone).map((other) => other.zone),
    }));
    return { TotalCount: zoneSet.length, ZoneSet: zoneSet };
  },
});
