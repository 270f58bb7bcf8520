import { randomInt } from 'node:crypto';
import * as z from 'zod';
import { runChaos } from '#local/chaos/run-chaos.ts';
import { parseFlags } from '#local/cli/cli-flags.ts';

const chaosFlagsSchema = z.object({
  requests: z.coerce.number().int().min(1).max(5000).default(200),
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  'deadline-seconds': z.coerce.number().positive().optional(),
});

/**
 * `npm run chaos -- --requests N --seed S [--deadline-seconds D]`: one chaos run (see run-chaos.ts). Progress and the seed go
 * to stderr; stdout gets one JSON line. Exit code 0 only when no replica was duplicated, no request
 * lost, every request ended and every ending was delivered to the webhook receiver, and the fleet
 * counters (foreignInstancesTouched, primariesTouched, removedBelowMinimum, duplicateRemovals, the
 * removals' own and the minimum's) are all 0.
 */
export const chaosCommand = async (argv: readonly string[]): Promise<number> => {
  const { flags } = parseFlags(
    argv,
    {
      requests: { type: 'string' },
      seed: { type: 'string' },
      'deadline-seconds': { type: 'string' },
    },
    chaosFlagsSchema,
  );
  const seed = flags.seed ?? randomInt(0, 2 ** 31 - 1);
  const say = (line: string) => process.stderr.write(`chaos: ${line}\n`);
  say(`seed ${seed} (replay: npm run chaos -- --requests ${flags.requests} --seed ${seed})`);
  const report = await runChaos({
    requests: flags.requests,
    seed,
    ...(flags['deadline-seconds'] ? { deadlineMs: flags['deadline-seconds'] * 1000 } : {}),
    log: say,
  });
  process.stdout.write(`${JSON.stringify(report)}\n`);
  if (!report.ok) say(`FAILED (seed ${seed})`);
  return report.ok ? 0 : 1;
};
