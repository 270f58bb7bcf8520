import { RESERVED_TAG_PREFIX } from '#shared/domain/idempotency.ts';
import * as z from '#shared/util/zod-mini.ts';

/**
 * Tag key on every replica replica-flow creates (besides `REQUEST_TAG_KEY`); its value is the
 * deployment's identity, `<service>-<stage>` (`REPLICA_FLOW_DEPLOYMENT`). Removal and regrouping
 * act only on an instance whose Tencent tags carry it with this deployment's value
 * (`removal-safety.ts`), so two deployments sharing one Tencent account never touch each other's
 * replicas.
 */
export const DEPLOYMENT_TAG_KEY = `${RESERVED_TAG_PREFIX}deployment`;

/** The identity of a deployment that sets none: the local stage of the `replica-flow` service. */
export const DEFAULT_DEPLOYMENT = 'replica-flow-local';

/**
 * A Tencent tag value that is also safe in a log line: 1–127 characters of letters, digits and
 * `+ - = . _ : / @` (Tencent allows up to 255; the rest is headroom).
 */
export const deploymentIdentity = z
  .string()
  .check(
    z.regex(
      /^[A-Za-z0-9+\-=._:/@]{1,127}$/,
      'a deployment identity is 1-127 letters, digits or + - = . _ : / @ (e.g. replica-flow-prod)',
    ),
  );

interface Tag {
  readonly TagKey?: string | undefined;
  readonly TagValue?: string | undefined;
}

/** The deployment tag's value on an instance, as Tencent lists its tags; undefined when absent. */
export const deploymentTagOf = (tags: readonly Tag[] | undefined): string | undefined =>
  tags?.find((tag) => tag.TagKey === DEPLOYMENT_TAG_KEY)?.TagValue;

/**
 * Whether reconciliation of a create may adopt an instance carrying these tags: one tagged for this
 * deployment, or one without a deployment tag at all (created before the tag existed, while the
 * request was in flight across the upgrade). Another deployment's replica is never adopted, even if
 * its request id (derived from the same scope and key) and name match.
 */
export const reconcilableByDeployment = (tags: readonly Tag[] | undefined, deployment: string): boolean => {
  const value = deploymentTagOf(tags);
  return value === undefined || value === deployment;
};
