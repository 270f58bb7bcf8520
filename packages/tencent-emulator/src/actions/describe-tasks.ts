import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import { readDirection } from '#emulator/actions/list-query.ts';
import { ApiError, apiErrors } from '#emulator/protocol/api-error.ts';
import type { TaskRecord } from '#emulator/state/records.ts';
import { tencentTime, ZERO_TIME } from '#emulator/views/tencent-time.ts';

const params = z.strictObject({
  TaskId: z.int().optional(),
  DBInstanceId: z.string().optional(),
  MinStartTime: z.string().optional(),
  MaxStartTime: z.string().optional(),
  Limit: z.int().optional(),
  Offset: z.int().optional(),
  OrderBy: z.string().optional(),
  OrderByType: z.string().optional(),
});

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 86_400_000;
const TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** `YYYY-MM-DD hh:mm:ss` in Beijing time → epoch ms; anything else is refused naming the field. */
const parseTencentTime = (field: string, value: string): number => {
  const match = TIME.exec(value);
  const ms = match ? Date.parse(`${value.replace(' ', 'T')}Z`) - BEIJING_OFFSET_MS : Number.NaN;
  if (Number.isNaN(ms)) throw apiErrors.invalidValue(field, 'YYYY-MM-DD hh:mm:ss');
  return ms;
};

const STEPS = ['start', 'running', 'finish'];

const taskView = (task: TaskRecord, now: number): Record<string, unknown> => {
  const done = now >= task.endsAt;
  const span = Math.max(task.endsAt - task.startedAt, 1);
  const progress = done ? 100 : Math.min(99, Math.floor(((now - task.startedAt) / span) * 100));
  return {
    TaskId: task.id,
    TaskType: task.type,
    DBInstanceId: task.instanceId,
    StartTime: tencentTime(task.startedAt),
    EndTime: done ? tencentTime(task.endsAt) : ZERO_TIME,
    Status: done ? 'Success' : 'Running',
    Progress: progress,
    TaskDetail: {
      CurrentStep: done ? 'finish' : 'running',
      AllSteps: STEPS.join(','),
      Input: task.input,
      Output: done ? '{}' : '',
      SwitchTag: 0,
      SwitchTime: '',
      Message: '',
    },
  };
};

/**
 * DescribeTasks: the tasks (flows) of read-only group changes, by `TaskId` or `DBInstanceId`
 * (a group's create and delete are tasks of its primary), started within
 * [`MinStartTime`, `MaxStartTime`] (default: the last 180 days). `Running` until the task's time
 * is up, then `Success`.
 */
export const describeTasks = defineAction({
  name: 'DescribeTasks',
  params,
  handle(env, call) {
    const p = call.params;
    const limit = p.Limit ?? 20;
    if (limit < 1 || limit > 100) {
      throw new ApiError(
        'InvalidParameterValue.ParameterValueExceedError',
        `The Limit parameter value ${limit} exceeds the allowed range [1, 100].`,
      );
    }
    const offset = p.Offset ?? 0;
    if (offset < 0) throw apiErrors.invalidValue('Offset', '[0, INF)');
    const orderBy = p.OrderBy ?? 'StartTime';
    if (orderBy !== 'StartTime' && orderBy !== 'EndTime')
      throw apiErrors.invalidValue('OrderBy', 'StartTime or EndTime');
    const direction = readDirection(p.OrderByType ?? 'desc');
    const min = p.MinStartTime ? parseTencentTime('MinStartTime', p.MinStartTime) : call.now - 180 * DAY_MS;
    const max = p.MaxStartTime ? parseTencentTime('MaxStartTime', p.MaxStartTime) : Number.MAX_SAFE_INTEGER;

    let candidates: readonly TaskRecord[];
    if (p.TaskId !== undefined) {
      const task = env.state.task(p.TaskId);
      candidates = task ? [task] : [];
    } else if (p.DBInstanceId !== undefined) candidates = env.state.tasksOf(p.DBInstanceId);
    else candidates = [...env.state.allTasks()];
    const key = (t: TaskRecord): number =>
      orderBy === 'StartTime' ? t.startedAt : call.now >= t.endsAt ? t.endsAt : Number.MAX_SAFE_INTEGER;
    const sign = direction === 'asc' ? 1 : -1;
    const matches = candidates
      .filter(
        (t) =>
          t.region === call.region &&
          (p.DBInstanceId === undefined || t.instanceId === p.DBInstanceId) &&
          // Compared at the times' one-second precision.
          Math.floor(t.startedAt / 1000) * 1000 >= min &&
          Math.floor(t.startedAt / 1000) * 1000 <= max,
      )
      .sort((a, b) => sign * (key(a) - key(b) || a.id - b.id));
    return {
      TotalCount: matches.length,
      TaskSet: matches.slice(offset, offset + limit).map((t) => taskView(t, call.now)),
    };
  },
});
