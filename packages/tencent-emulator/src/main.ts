import * as z from 'zod';
import { FlagError, parseFlags } from '#emulator/cli-flags.ts';
import { timingsPatch } from '#emulator/emulator.ts';
import { startEmulator } from '#emulator/server.ts';
import { WorldError } from '#emulator/world/load-world.ts';

const flags = z.object({
  port: z.coerce
    .number<string | undefined>({ error: 'must be an integer between 0 and 65535' })
    .int('must be an integer between 0 and 65535')
    .min(0, 'must be an integer between 0 and 65535')
    .max(65535, 'must be an integer between 0 and 65535')
    .default(0),
  host: z.string().min(1).default('127.0.0.1'),
  world: z.string().min(1, 'must be a file path').optional(),
  dataDir: z.string().min(1, 'must be a directory path').optional(),
  timings: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON, e.g. {"applyingMs":500}' });
        return z.NEVER;
      }
    })
    .pipe(timingsPatch)
    .optional(),
});

const USAGE =
  'Usage: npm run emulator -- [--port <port>] [--world <file>] [--data-dir <dir>] [--timings <json>] [--host <ip>]';

const main = async (): Promise<void> => {
  const options = parseFlags(process.argv.slice(2), ['port', 'host', 'world', 'dataDir', 'timings'], flags);
  const emulator = await startEmulator(options);
  const lines = [
    `Tencent Cloud PostgreSQL API emulator (postgres 2017-03-12) listening on ${emulator.url}`,
    `  SDK endpoint:  ${emulator.endpoint}   (httpProfile: { endpoint: '${emulator.endpoint}', protocol: 'http://' })`,
    `  control API:   ${emulator.url}/_emulator/  (instances, calls, reset, faults, timings, rate-limits)`,
    `  world:         ${options.world ?? 'worlds/default.json'}${options.dataDir ? `   data dir: ${options.dataDir}` : ''}`,
    '  accepted credentials:',
    ...emulator.acceptedCredentials.map((c) =>
      c.secretId === emulator.credentials.secretId
        ? `    secretId=${c.secretId} secretKey=${c.secretKey}   (built-in test pair)`
        : `    secretId=${c.secretId} (from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY)`,
    ),
    'Press Ctrl-C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: closing the emulator…\n`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Could not close cleanly: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
};

main().catch((error: unknown) => {
  if (error instanceof FlagError) process.stderr.write(`${error.message}\n${USAGE}\n`);
  else if (error instanceof WorldError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`Emulator failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(2);
});
