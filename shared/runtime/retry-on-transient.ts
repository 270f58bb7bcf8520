import { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import { logger } from '#shared/logger.ts';

/** Runs a step; a Tencent failure that may pass later (throttling, network on reads) becomes 'retry'. */
export const retryOnTransient = async <Outcome extends string>(
  step: () => Promise<Outcome>,
): Promise<Outcome | 'retry'> => {
  try {
    return await step();
  } catch (error) {
    if (error instanceof TencentApiError && error.retryable) {
      logger.warn('transient Tencent failure; retrying through the queue', {
        action: error.action,
        kind: error.kind,
        code: error.tencentCode,
      });
      return 'retry';
    }
    throw error;
  }
};
