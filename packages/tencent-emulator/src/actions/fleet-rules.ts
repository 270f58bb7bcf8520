import type { ActionEnv } from '#emulator/actions/action.ts';
import { ApiError, apiErrors } from '#emulator/protocol/api-error.ts';
import type { GroupView } from '#emulator/state/emulator-state.ts';
import { type GroupStatus, groupStatus } from '#emulator/state/group-lifecycle.ts';
import { isListed } from '#emulator/state/lifecycle.ts';
import type { ReplicaRecord, TaskRecord } from '#emulator/state/records.ts';
import type { WorldPrimary } from '#emulator/world/world-schema.ts';

/** Chinese characters, letters, digits, `_` and `-`, shorter than 60 characters (group names). */
const NAME_CHARACTERS = /^[\p{Script=Han}A-Za-z0-9_-]+$/u;
const MAX_NAME_LENGTH = 59;

export const instanceNotFound = (id: string, region: string): ApiError =>
  new ApiError(
    'ResourceNotFound.InstanceNotFoundError',
    `The instance \`${id}\` does not exist in region ${region}.`,
  );

export const groupNotFound = (id: string): ApiError =>
  new ApiError('FailedOperation.ROGroupNotFoundError', `The read-only group \`${id}\` does not exist.`);

/** An instance of the region by id: a world primary, or a listed replica. */
export type FoundInstance =
  | { readonly kind: 'primary'; readonly primary: WorldPrimary }
  | { readonly kind: 'replica'; readonly replica: ReplicaRecord };

export const findInstanceById = (env: ActionEnv, id: string, region: string, now: number): FoundInstance => {
  const primary = env.state.primary(id);
  if (primary && primary.region === region) return { kind: 'primary', primary };
  const replica = env.state.replica(id);
  if (replica && replica.region === region && isListed(replica, now)) return { kind: 'replica', replica };
  throw instanceNotFound(id, region);
};

/** A listed replica of the region; unknown ids and primaries are `ResourceNotFound.InstanceNotFoundError`. */
export const findReplica = (env: ActionEnv, id: string, region: string, now: number): ReplicaRecord => {
  const found = findInstanceById(env, id, region, now);
  if (found.kind !== 'replica') {
    throw new ApiError(
      'ResourceNotFound.InstanceNotFoundError',
      `The instance \`${id}\` is not a read-only instance in region ${region}.`,
    );
  }
  return found.replica;
};

/**
 * The emulator never takes a primary out of service: its primaries are the world's fixed
 * inventory. Isolating or destroying one is `OperationDenied.InstanceAccessDeniedError` (in the
 * documented lists of both actions: "you have no permission to operate on this resource").
 */
export const refusePrimary = (found: FoundInstance): ReplicaRecord => {
  if (found.kind === 'primary') {
    throw new ApiError(
      'OperationDenied.InstanceAccessDeniedError',
      `The instance ${found.primary.id} is a primary instance; this emulator never isolates or destroys a primary.`,
    );
  }
  return found.replica;
};

/** A group of the region that still exists, with its status at `now`. */
export const findGroup = (
  env: ActionEnv,
  id: string,
  region: string,
  now: number,
): { group: GroupView; primary: WorldPrimary; status: GroupStatus } => {
  const group = env.state.group(id);
  const primary = group && env.state.primary(group.primaryId);
  if (!group || !primary || primary.region !== region) throw groupNotFound(id);
  const status = groupStatus(env.state, group, now);
  if (status === 'deleted') throw groupNotFound(id);
  return { group, primary, status };
};

/**
 * The replica and the group of a membership change (Add/RemoveDBInstanceFromReadOnlyGroup), both of
 * the region and the group of the replica's own primary (`FailedOperation.ROGroupMasterInstanceNotRight`).
 */
export const replicaAndItsPrimarysGroup = (
  env: ActionEnv,
  params: { readonly DBInstanceId: string; readonly ReadOnlyGroupId: string },
  region: string,
  now: number,
): { replica: ReplicaRecord; group: GroupView; status: GroupStatus } => {
  const replica = findReplica(env, params.DBInstanceId, region, now);
  const { group, status } = findGroup(env, params.ReadOnlyGroupId, region, now);
  if (group.primaryId !== replica.primaryId) {
    throw new ApiError(
      'FailedOperation.ROGroupMasterInstanceNotRight',
      `The read-only group ${group.id} belongs to ${group.primaryId}, not to ${replica.primaryId}, the primary of ${replica.id}.`,
    );
  }
  return { replica, group, status };
};

export const checkGroupName = (field: string, name: string): void => {
  if (name === '') throw apiErrors.missingParameter(field);
  if (!NAME_CHARACTERS.test(name)) {
    throw new ApiError(
      'InvalidParameterValue.ParameterCharacterError',
      `${field} may contain only Chinese characters, letters, digits, underscores (_) and hyphens (-).`,
    );
  }
  if ([...name].length > MAX_NAME_LENGTH) {
    throw new ApiError(
      'InvalidParameterValue.ParameterLengthLimitError',
      `${field} must be shorter than 60 characters; got ${[...name].length}.`,
    );
  }
};

export const checkFlag = (name: string, value: number | undefined): void => {
  if (value !== undefined && value !== 0 && value !== 1) throw apiErrors.invalidValue(name, '0 or 1');
};

export const checkRange = (name: string, value: number | undefined, min: number, max: number): void => {
  if (value !== undefined && (value < min || value > max))
    throw apiErrors.invalidValue(name, `[${min}, ${max}]`);
};

/** Records a task (flow) that runs `groupTaskMs` from `now`; returns its id (FlowId = TaskId). */
export const startTask = (
  env: ActionEnv,
  task: Omit<TaskRecord, 'id' | 'endsAt' | 'startedAt'>,
  now: number,
): number => {
  const id = env.state.nextSequence() + 100_000;
  env.state.addTask({ ...task, id, startedAt: now, endsAt: now + env.timings.groupTaskMs });
  return id;
};
