import { TencentApiError } from '#shared/adapters/tencent/tencent-api-error.ts';
import type { TencentCallObserver } from '#shared/adapters/tencent/tencent-postgres-client.ts';
import type { MetricsRecorder } from '#shared/ports/metrics.ts';
import { noTracing, type Tracing } from '#shared/ports/tracing.ts';

/**
 * Every Tencent call counted (`TencentCalls`, by action) and, when refused for rate, counted again
 * (`TencentThrottles`); with a tracer, each call is a subsegment `Tencent <Action>` annotated with
 * its `action` (the SDK's HTTP request nests inside it), and a failed one carries its error.
 */
export const observeTencentCalls =
  (telemetry: { readonly metrics: MetricsRecorder; readonly tracing?: Tracing }): TencentCallObserver =>
  async (action, call) => {
    telemetry.metrics.add('TencentCalls', { action });
    try {
      return await (telemetry.tracing ?? noTracing).span(`Tencent ${action}`, { action }, call);
    } catch (error) {
      if (error instanceof TencentApiError && error.kind === 'throttled') {
        telemetry.metrics.add('TencentThrottles', { action });
      }
      throw error;
    }
  };
