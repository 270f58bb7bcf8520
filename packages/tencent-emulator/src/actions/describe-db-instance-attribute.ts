import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import { ApiError } from '#emulator/protocol/api-error.ts';
import { findInstance } from '#emulator/views/instance-catalog.ts';

const params = z.strictObject({ DBInstanceId: z.string() });

/** DescribeDBInstanceAttribute: one primary or listed replica of the region, else InstanceNotFoundError. */
export const describeDBInstanceAttribute = defineAction({
  name: 'DescribeDBInstanceAttribute',
  params,
  handle(env, call) {
    const entry = findInstance(env.state, call.region, call.params.DBInstanceId, call.now);
    if (!entry) {
      throw new ApiError(
        'ResourceNotFound.InstanceNotFoundError',
        `The instance \`${call.params.DBInstanceId}\` does not exist in region ${call.region}.`,
      );
    }
    return { DBInstance: entry.render() };
  },
});
