import type { Secrets, Telemetry } from '#shared/config/dependencies.ts';
import type { RuntimeEnvironment } from '#shared/config/runtime-config.ts';

/**
 * Builds an adapter only some functions use, importing it (and the SDK behind it) when built; a
 * function's wiring names the builders it needs (`ports.tencent(tencentFrom)` in `functions/create.deps.ts`).
 * Lazy, one builder per file: see docs/bundling.md#adapters-behind-their-builders.
 */
export type AdapterBuilder<Port> = (
  env: RuntimeEnvironment,
  secrets: Secrets,
  telemetry?: Telemetry,
) => Promise<Port>;
