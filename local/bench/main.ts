// `npm run bench [-- --only burst,cold-start] [--out bench-results]`: every measurement of the
// performance issue on the local stack, each in a fresh child process, baselines in the same run.
// Prints one JSON line per metric, then a Markdown table; writes both under the results folder;
// exits 0 only when no target is missed (`measurement.ts`: met, missed, or within the noise).
process.env.LOG_LEVEL ??= 'SILENT';

const path = await import('node:path');
const { FULL_SCALE } = await import('#local/bench/bench-metrics.ts');
const { jsonLine, markdownTable, writeBenchRun } = await import('#local/bench/bench-report.ts');
const { runBench } = await import('#local/bench/run-bench.ts');
const { runTaskInChildProcess } = await import('#local/bench/run-task-process.ts');

const flag = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
};

try {
  const startedAt = new Date();
  const only = flag('--only')
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const measurements = await runBench({
    scale: FULL_SCALE,
    runTask: runTaskInChildProcess,
    ...(only ? { only } : {}),
    onMeasurements: (batch) => {
      for (const measurement of batch) process.stdout.write(`${jsonLine(measurement)}\n`);
    },
    log: (line) => process.stderr.write(`bench: ${line}\n`),
  });
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  process.stdout.write(`\n${markdownTable(measurements)}\n`);
  const files = await writeBenchRun(path.resolve(flag('--out') ?? 'bench-results'), {
    startedAt: startedAt.toISOString(),
    seconds,
    node: process.version,
    measurements,
  });
  const failed = measurements.filter((measurement) => !measurement.pass);
  const undecided = measurements.filter((measurement) => measurement.verdict === 'within-noise');
  const named = (list: typeof measurements) =>
    list.length ? `: ${list.map((m) => m.metric).join(', ')}` : '';
  process.stderr.write(
    `bench: ${measurements.length} measurements in ${seconds.toFixed(0)} s, ${failed.length} target(s) missed${named(failed)}; ` +
      `${undecided.length} at their target within the noise${named(undecided)}; written to ${files[2]} and ${files[3]}\n`,
  );
  process.exitCode = failed.length === 0 ? 0 : 1;
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}

export {};
