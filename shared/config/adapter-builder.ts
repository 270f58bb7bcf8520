import type { Secrets, Telemetry } from '#shared/config/dependencies.ts';
import type { RuntimeEnvironment } from '#shared/config/runtime-config.ts';

/**
 * Builds an adapter only some functions use, importing it (and the SDK behind it) when built; a
 * function names the builders it needs (`lambdaDependencies({ tencent: tencentFrom })`).
 * Lazy, one builder per file: see docs/bundling.md#adapters-behind-their-builders.
 */
export type AdapterBuilder<Port> = (
  env: RuntimeEnvironment,
  secrets: Secrets,
  telemetry?: Telemetry,
) => Promise<Port>;
