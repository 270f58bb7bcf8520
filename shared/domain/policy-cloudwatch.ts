import { matchesAny } from '#shared/domain/policy-glob.ts';
import * as z from '#shared/util/zod-mini.ts';

/**
 * `primaries.<id>.cloudwatch`: which CloudWatch alarms speak for this Tencent primary (an AWS alarm
 * names AWS things; the policy says which Tencent instance it concerns). Every criterion given must
 * hold: the alarm's name matches one of `alarmNames` (exact or glob), one of its metrics carries all
 * `dimensions`, and its propagated tags (`detail.alarmTags`) include all `tags`. At least one
 * criterion is required, and only an exact primary id (not a glob key) may carry a mapping.
 */
const nonEmptyRecord = z
  .record(
    z.string().check(z.minLength(1), z.maxLength(255)),
    z.string().check(z.minLength(1), z.maxLength(1024)),
  )
  .check(z.refine((record) => Object.keys(record).length > 0, { error: 'must name at least one key' }));

export const cloudwatchMappingSchema = z
  .strictObject({
    alarmNames: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(255))).check(z.minLength(1))),
    dimensions: z.optional(nonEmptyRecord),
    tags: z.optional(nonEmptyRecord),
  })
  .check(
    z.refine((mapping) => mapping.alarmNames || mapping.dimensions || mapping.tags, {
      error: 'must give alarmNames, dimensions or tags',
    }),
  );
export type CloudWatchMapping = z.infer<typeof cloudwatchMappingSchema>;

/** What an alarm offers to be matched on. */
export interface AlarmFacts {
  readonly alarmName: string;
  /** The dimensions of each of the alarm's metrics. */
  readonly dimensions: readonly Readonly<Record<string, string>>[];
  readonly tags: Readonly<Record<string, string>>;
}

const includes = (have: Readonly<Record<string, string>>, want: Readonly<Record<string, string>>): boolean =>
  Object.entries(want).every(([key, value]) => Object.hasOwn(have, key) && have[key] === value);

export const alarmMatches = (mapping: CloudWatchMapping, alarm: AlarmFacts): boolean =>
  (!mapping.alarmNames || matchesAny(mapping.alarmNames, alarm.alarmName)) &&
  (!mapping.dimensions || alarm.dimensions.some((metric) => includes(metric, mapping.dimensions ?? {}))) &&
  (!mapping.tags || includes(alarm.tags, mapping.tags));

/** The primaries whose `cloudwatch` mapping matches the alarm (more than one is ambiguous). */
export const primariesForAlarm = (
  primaries: Readonly<Record<string, { readonly cloudwatch?: CloudWatchMapping | undefined }>>,
  alarm: AlarmFacts,
): string[] =>
  Object.entries(primaries)
    .filter(([, entry]) => entry.cloudwatch !== undefined && alarmMatches(entry.cloudwatch, alarm))
    .map(([primaryId]) => primaryId);
