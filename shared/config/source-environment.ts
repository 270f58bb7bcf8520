import { sourcesEnvironmentShape } from '#shared/ingress/sources.ts';
import * as z from '#shared/util/zod-mini.ts';

/**
 * Every trigger source's environment variables (each source's `<source>-environment.ts`, merged from
 * the list in shared/ingress/sources.ts), merged into the runtime schema (`runtime-config.ts`). The
 * secrets among them may come from SSM Parameter Store instead (`<VARIABLE>_PARAMETER`, see
 * `secrets.ts`). Documented in docs/ingress/*.md.
 */
export const sourceEnvironmentShape = sourcesEnvironmentShape;

export const sourceEnvironmentSchema = z.object(sourceEnvironmentShape);
export type SourceEnvironment = z.infer<typeof sourceEnvironmentSchema>;
