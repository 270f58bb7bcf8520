import type { RequestRecord, WebhookType } from '#shared/domain/request-record.ts';
import type { Completion } from '#shared/ports/source-notifier.ts';

/** The completion a source adapter formats (Slack message, Jira comment), read from the record. */
export const completionOf = (record: RequestRecord, type: WebhookType): Completion => {
  const finishedAt = [...record.history].reverse().find((entry) => entry.state === record.state)?.at;
  const elapsedMs = finishedAt ? Date.parse(finishedAt) - Date.parse(record.createdAt) : Number.NaN;
  const zone = record.plan?.Zone ?? record.request.Zone;
  const region = record.plan?.Region ?? record.request.Region;
  return {
    type,
    requestId: record.requestId,
    state: record.state,
    requester: record.requester,
    primary: record.plan?.MasterDBInstanceId ?? record.request.MasterDBInstanceId,
    ...(region ? { region } : {}),
    ...(zone ? { zone } : {}),
    instances:
      record.instances ??
      (record.creation?.instanceIds ?? []).map((instanceId) => ({ instanceId, status: '' })),
    ...(Number.isFinite(elapsedMs) ? { elapsedSeconds: Math.max(0, Math.round(elapsedMs / 1000)) } : {}),
    ...(record.failure ? { failure: record.failure } : {}),
    violations: record.violations ?? [],
    ...(record.price ? { price: record.price } : {}),
    ...(record.budgetCheck ? { budgetCheck: record.budgetCheck } : {}),
    ...((type === 'replica.dry_run' || type === 'replica.awaiting_approval') && record.plan
      ? { plan: record.plan }
      : {}),
    ...(record.approval ? { approval: record.approval } : {}),
  };
};
