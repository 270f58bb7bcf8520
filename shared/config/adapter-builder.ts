import type { Secrets, Telemetry } from '#shared/config/dependencies.ts';
import type { RuntimeEnvironment } from '#shared/config/runtime-config.ts';

/**
 * Builds an adapter only some functions use. Each imports its adapter (and the SDK behind it) when
 * it is built, at the first invocation; a function names the builders it needs
 * (`lambdaDependencies({ tencent: tencentFrom })`), so its bundle holds no other adapter's code.
 *
 * One builder per file (`tencent-adapter-builder.ts`, `webhook-adapter-builder.ts`,
 * `policy-adapter-builder.ts`): a bundle split into chunks makes a chunk of every `import()` in
 * every module it includes, used or not, so a module holding all three would ship the Tencent SDK
 * with `notify`.
 */
export type AdapterBuilder<Port> = (
  env: RuntimeEnvironment,
  secrets: Secrets,
  telemetry?: Telemetry,
) => Promise<Port>;
