import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const API_KEY = 'dotenv-key-0123456789abcdef';

/** `npm start` (bin/replica-flow.js up) in a folder of its own; resolves when it is up or has exited. */
const startIn = async (folder: string, env: Record<string, string> = {}) => {
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'bin', 'replica-flow.js'),
      'up',
      ...['--port', '0', '--emulator-port', '0', '--data-dir', path.join(folder, 'data')],
      ...['--policy', path.join(ROOT, 'policy', 'default.yaml')],
    ],
    { cwd: folder, env: { ...process.env, LOG_LEVEL: 'SILENT', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', (exitCode) => resolve(exitCode));
    child.stdout.on('data', () => {
      if (output.includes('local stack is up')) resolve(null);
    });
  });
  return { code, output: () => output };
};

const running: ChildProcess[] = [];
const folders: string[] = [];

const folderWithDotEnv = async (lines: string[]) => {
  const folder = await mkdtemp(path.join(tmpdir(), 'replica-flow-dotenv-'));
  folders.push(folder);
  await writeFile(path.join(folder, '.env'), `${lines.join('\n')}\n`);
  return folder;
};

afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

describe('npm start and .env', () => {
  it('refuses a bad value from .env, naming the variable, as a function cold start does', async () => {
    const folder = await folderWithDotEnv(['PROVISIONING_TIMEOUT_SECONDS=soon']);
    const { code, output } = await startIn(folder);
    expect(code).toBe(1);
    expect(output()).toContain('PROVISIONING_TIMEOUT_SECONDS');
  }, 60_000);

  it('reads .env under the variables already set, and takes its API keys', async () => {
    const folder = await folderWithDotEnv([
      'PROVISIONING_TIMEOUT_SECONDS=soon',
      `REPLICA_FLOW_API_KEYS=dotenv:${API_KEY}`,
    ]);
    const { code, output } = await startIn(folder, { PROVISIONING_TIMEOUT_SECONDS: '600' });
    expect(code, output()).toBeNull();
    const api = /API {12}(http:\/\/127\.0\.0\.1:\d+)\/v1\/replica-requests/.exec(output())?.[1];
    const answer = await fetch(`${api}/v1/replica-requests/r-0000000000000000`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    // Authenticated (a 401 would mean the key was not taken): the request simply does not exist.
    expect(answer.status).toBe(404);
  }, 60_000);
});
