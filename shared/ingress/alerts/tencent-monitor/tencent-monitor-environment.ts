import { secret } from '#shared/ingress/environment-rules.ts';
import * as z from '#shared/util/zod-mini.ts';
import { unsetWhenEmpty } from '#shared/util/zod-preprocess.ts';

/** Tencent Cloud Monitor's environment variables (docs/ingress/tencent-monitor.md). */
export const tencentMonitorEnvironmentShape = {
  TENCENT_MONITOR_BASIC_USER: unsetWhenEmpty(z.optional(z.string().check(z.minLength(1), z.maxLength(128)))),
  TENCENT_MONITOR_BASIC_PASSWORD: secret(16),
  TENCENT_MONITOR_PATH_TOKEN: unsetWhenEmpty(
    z.optional(
      z
        .string()
        .check(
          z.minLength(16, 'must be at least 16 characters'),
          z.regex(/^[A-Za-z0-9_-]+$/, 'must use only letters, digits, _ and - (it is a URL path segment)'),
        ),
    ),
  ),
};
