// `npm run chaos -- --requests N --seed S`: the workflow's JSON logs are off unless LOG_LEVEL says
// otherwise (set before the logger is first imported; the chaos run's own lines go to stderr).
process.env.LOG_LEVEL ??= 'SILENT';

const { UsageError } = await import('#local/cli/cli-flags.ts');
const { chaosCommand } = await import('#local/chaos/chaos-command.ts');

try {
  process.exitCode = await chaosCommand(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}

export {};
