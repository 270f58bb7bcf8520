// A child of `npm run bench`: runs one task and prints its JSON result as the last line of stdout.
//   tsx local/bench/bench-task-process.ts <task> '<json args>'
// The workflow's logs are off (set before the logger is first imported).
process.env.LOG_LEVEL ??= 'SILENT';

const { BENCH_TASKS } = await import('#local/bench/bench-tasks.ts');

const [name = '', json = '{}'] = process.argv.slice(2);
const task = (BENCH_TASKS as Record<string, (args: unknown) => Promise<unknown>>)[name];
if (!task) {
  process.stderr.write(`unknown bench task "${name}"; known: ${Object.keys(BENCH_TASKS).join(', ')}\n`);
  process.exit(2);
}
const result = await task(JSON.parse(json));
process.stdout.write(`\n${JSON.stringify(result)}\n`);
// Servers the task closed may leave idle sockets behind; the result is out, so end now.
process.exit(0);

export {};
