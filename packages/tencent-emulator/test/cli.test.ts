import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '#emulator/credentials.ts';

/** The package's `tencent-emulator` bin, as `npx tencent-emulator` runs it. */
const BIN = fileURLToPath(new URL('../bin/tencent-emulator.js', import.meta.url));

const run = (args: string[]): ChildProcess =>
  spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });

const collect = (child: ChildProcess) => {
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  return output;
};

describe('npx tencent-emulator (bin/tencent-emulator.js, npm run emulator)', () => {
  it('prints the endpoint and the credentials it accepts, serves, and closes cleanly on Ctrl-C', async () => {
    const child = run(['--port', '0']);
    const output = collect(child);
    while (!output.stdout.includes('Press Ctrl-C')) await once(child.stdout as NodeJS.ReadableStream, 'data');
    const endpoint = /SDK endpoint:\s+(\S+)/.exec(output.stdout)?.[1] ?? '';

    const health = await fetch(`http://${endpoint}/_emulator/health`);
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];

    expect(endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(output.stdout).toContain(EMULATOR_CREDENTIALS.secretId);
    expect(output.stdout).toContain(EMULATOR_CREDENTIALS.secretKey);
    expect(health.status).toBe(200);
    expect(code).toBe(0);
  });

  // Five processes that only parse their flags and exit: run side by side.
  it.concurrent.for<[string[], string]>([
    [['--port', 'eighty'], '--port: must be an integer between 0 and 65535'],
    [['--port', '70000'], '--port: must be an integer between 0 and 65535'],
    [['--colour', 'red'], "Unknown option '--colour'"],
    [['--timings', '{"applyingMs":-5}'], '--timings'],
    [['--world', '/nonexistent/world.json'], 'Invalid emulator world (/nonexistent/world.json)'],
  ])('refuses %j with a message naming the problem', async ([args, message], { expect }) => {
    const child = run(args);
    const output = collect(child);

    const [code] = (await once(child, 'exit')) as [number | null];

    expect(code).toBe(2);
    expect(output.stderr).toContain(message);
  });
});
