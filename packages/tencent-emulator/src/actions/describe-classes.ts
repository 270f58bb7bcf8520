import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import { zoneOfRegion } from '#emulator/actions/zone-of-region.ts';
import { apiErrors } from '#emulator/protocol/api-error.ts';

const params = z.strictObject({
  Zone: z.string(),
  DBEngine: z.string(),
  DBMajorVersion: z.string(),
  StorageType: z.string().optional(),
});

const ENGINES = new Set(['postgresql', 'mssql_compatible']);

/** DescribeClasses: the specs on sale in a zone of the region for a major version (Memory in MB). */
export const describeClasses = defineAction({
  name: 'DescribeClasses',
  params,
  handle(env, call) {
    const p = call.params;
    const zone = zoneOfRegion(env, p.Zone, call.region);
    if (!ENGINES.has(p.DBEngine)) throw apiErrors.invalidValue('DBEngine', 'postgresql or mssql_compatible');
    const classes = zone.zone.specs
      .filter(
        (spec) =>
          spec.onSale && (spec.majorVersions === undefined || spec.majorVersions.includes(p.DBMajorVersion)),
      )
      .map((spec) => ({
        SpecCode: spec.specCode,
        CPU: spec.cpu,
        Memory: spec.memoryMb,
        MaxStorage: spec.maxStorage,
        MinStorage: spec.minStorage,
        QPS: spec.qps,
      }));
    return { ClassInfoSet: classes };
  },
});
