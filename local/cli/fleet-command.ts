import * as z from 'zod';
import { parseFlags, UsageError } from '#local/cli/cli-flags.ts';
import { resolveApi } from '#local/cli/request-command.ts';
import type { FleetView } from '#shared/use-cases/fleet-view.ts';

const fleetFlagsSchema = z.object({
  primary: z
    .string()
    .regex(/^postgres-[a-z0-9]+$/, 'must look like postgres-xxxxxxxx')
    .optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}-[a-z]+(-[a-z]+)?$/, 'must be a region like ap-beijing')
    .optional(),
  json: z.boolean().default(false),
  url: z.url().optional(),
  'api-key': z.string().optional(),
  'data-dir': z.string().default(process.env.REPLICA_FLOW_DATA_DIR ?? '.data'),
});

const money = (currency: string, minor: number): string => {
  const digits = String(Math.abs(minor)).padStart(3, '0');
  return `${minor < 0 ? '-' : ''}${currency} ${digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${digits.slice(-2)}`;
};

const age = (seconds: number): string => {
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d${Math.floor((seconds % 86_400) / 3600)}h`;
};

/** Left-aligned columns, two spaces apart. */
const table = (rows: readonly (readonly string[])[]): string => {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
};

/** One primary's view as people read it: replicas, what the policy allows next, budgets, orphans and drift. */
export const fleetText = (view: FleetView): string => {
  const lines: string[] = [];
  lines.push(
    `${view.primaryId} (${view.region ?? 'region unknown'}) — deployment ${view.deployment}, at ${view.at}`,
  );
  if (!view.tencent.checked) lines.push(`  Tencent not asked: ${view.tencent.reason}`);
  if (view.replicas.length === 0) lines.push('  no replicas made by replica-flow');
  else {
    lines.push(
      table([
        ['  INSTANCE', 'STATE', 'TENCENT', 'GROUP', 'AGE', 'REQUEST', 'PER HOUR', 'PER MONTH'],
        ...view.replicas.map((replica) => [
          `  ${replica.instanceId ?? '(pending)'}`,
          replica.state,
          replica.tencentStatus,
          replica.groupId ?? '-',
          age(replica.ageSeconds),
          replica.requestId,
          replica.price?.perHourMinor === undefined
            ? '-'
            : money(replica.price.currency, replica.price.perHourMinor),
          replica.price ? money(replica.price.currency, replica.price.perMonthMinor) : '-',
        ]),
      ]),
    );
  }
  const { scaleOut, scaleIn } = view.policy;
  const room =
    scaleOut.room === undefined ? 'room unknown (Tencent not asked)' : `room for ${scaleOut.room} more`;
  lines.push(
    `  scale-out: ${scaleOut.enabled ? 'on' : 'off'}, ${view.policy.minReplicas}–${view.policy.maxReplicas ?? view.policy.maxReplicasPerPrimary} replicas, ` +
      `${scaleOut.listed ?? '?'} listed + ${scaleOut.inFlight} in flight, ${room}` +
      (scaleOut.cooldownUntil ? `, cooldown until ${scaleOut.cooldownUntil}` : ', no cooldown'),
  );
  lines.push(
    scaleIn.enabled
      ? `  scale-in: on, ${scaleIn.candidate ? `candidate since ${scaleIn.candidate.since} (${scaleIn.candidate.alertName} resolved), next step` : 'no candidate (no alert resolved since the last one fired)'} not before ${scaleIn.notBefore} (${scaleIn.boundBy})` +
          (scaleIn.firing.length > 0 ? `; firing: ${scaleIn.firing.join(', ')}` : '') +
          (scaleIn.lastScaleIn
            ? `; last step ${scaleIn.lastScaleIn.requestId} at ${scaleIn.lastScaleIn.at}`
            : '') +
          (scaleIn.ended && !scaleIn.candidate ? `; last candidacy ended: ${scaleIn.ended.reason}` : '') +
          (scaleIn.atMinimum ? ' (at the minimum: nothing to remove)' : '')
      : '  scale-in: off',
  );
  for (const budget of view.budgets) {
    lines.push(
      `  budget ${budget.budget}: ${money(budget.currency, budget.usedMinor)} of ${money(budget.currency, budget.ceilingMinor)} a month` +
        (budget.uncounted > 0 ? ` (${budget.uncounted} replica(s) without a price not counted)` : ''),
    );
  }
  for (const orphan of view.orphans) {
    lines.push(
      `  ORPHAN ${orphan.instanceId} (${orphan.tencentStatus}${orphan.requestTag ? `, request tag ${orphan.requestTag}` : ''}` +
        `${orphan.recordState ? `, its record ${orphan.recordState}` : ''}): tagged by this deployment, known to no active record`,
    );
  }
  for (const entry of view.drift) {
    lines.push(
      `  DRIFT ${entry.instanceId} of ${entry.requestId}: the record is ${entry.state}, Tencent says ${entry.tencentStatus}`,
    );
  }
  return lines.join('\n');
};

/** `replica-flow fleet [--primary <id>] [--region <r>] [--json]`: the fleet view of the running stack's API. */
export const fleetCommand = async (argv: readonly string[]): Promise<number> => {
  const { flags, positionals } = parseFlags(
    argv,
    {
      primary: { type: 'string' },
      region: { type: 'string' },
      json: { type: 'boolean' },
      url: { type: 'string' },
      'api-key': { type: 'string' },
      'data-dir': { type: 'string' },
    },
    fleetFlagsSchema,
  );
  if (positionals.length > 0)
    throw new UsageError(`fleet takes no arguments (got ${positionals.join(' ')}); use --primary <id>`);
  if (flags.region && !flags.primary)
    throw new UsageError('--region: applies to one primary; give --primary too');
  const client = await resolveApi(flags);
  const views = flags.primary
    ? { primaries: [await client.fleet(flags.primary, flags.region)], truncated: false }
    : await client.fleetOverview();
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(flags.primary ? views.primaries[0] : views, null, 2)}\n`);
    return 0;
  }
  const text = views.primaries.map(fleetText).join('\n\n');
  process.stdout.write(`${text || 'no primaries: the policy names none and replica-flow runs no replica'}\n`);
  if (views.truncated) process.stdout.write('(more primaries than one answer holds: ask with --primary)\n');
  return 0;
};
