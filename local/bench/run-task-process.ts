import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunTask } from '#local/bench/bench-tasks.ts';

const TASK_ENTRY = fileURLToPath(new URL('./bench-task-process.ts', import.meta.url));

/**
 * Runs a bench task in a fresh Node process with this process's loader (tsx), and answers the JSON
 * result it prints last. Its stderr passes through, so a failing task explains itself.
 */
export const runTaskInChildProcess: RunTask = (name, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, TASK_ENTRY, name, JSON.stringify(args)], {
      env: { ...process.env, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'SILENT', NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0) {
        reject(new Error(`bench task ${name} exited with ${code}`));
        return;
      }
      try {
        resolve(JSON.parse(last));
      } catch (error) {
        reject(new Error(`bench task ${name} printed no JSON result`, { cause: error }));
      }
    });
  });
