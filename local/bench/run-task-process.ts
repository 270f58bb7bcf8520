import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import type { RunTask } from '#local/bench/bench-tasks.ts';

const TASK_ENTRY = fileURLToPath(new URL('./bench-task-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Under the repository, so the bundle's external packages resolve from its `node_modules`. */
const TASK_BUNDLE = path.join(ROOT, '.build', 'bench', 'bench-task-process.mjs');

/** Each module keeps its own `import.meta.url` (the stack finds its files and packages relative to it). */
const keepModuleUrls: Plugin = {
  name: 'keep-module-urls',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replace(
        /^(.*?)import\.meta\.url/gm,
        // Not inside a string literal on that line (code that writes code, as the cold-start bundler's banner).
        (whole, before: string) =>
          /^[^'"`]*(?:(['"`])[^'"`]*\1[^'"`]*)*$/.test(before)
            ? `${before}${JSON.stringify(pathToFileURL(args.path).href)}`
            : whole,
      ),
      loader: 'ts',
    }));
  },
};

/**
 * A heap limit, as a deployed function has one (Lambda sets it from the function's memory). V8 sizes
 * the old generation's growth between full collections from that limit: with the default on a large
 * machine (a quarter of its memory, 4 GiB here) it lets garbage grow the heap some 4× before it
 * collects, and the burst's peak RSS was mostly that garbage (live heap after it ~40 MiB). 1 GiB is
 * some five times the peak it now reaches; the limit never binds.
 */
const TASK_NODE_OPTIONS = ['--max-old-space-size=1024'];

let bundled: Promise<string> | undefined;

/**
 * The task runner and the local stack compiled to one ES module (packages stay in `node_modules`),
 * once per bench run (a source map beside it, for `NODE_OPTIONS=--enable-source-maps`): a task process
 * runs plain `node`, as a deployed function does, not under tsx,
 * whose loader (a thread and a heap of its own, transforming every module) is no part of the stack.
 */
const taskBundle = (): Promise<string> => {
  bundled ??= build({
    entryPoints: [TASK_ENTRY],
    outfile: TASK_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    keepNames: true,
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [keepModuleUrls],
  }).then(() => TASK_BUNDLE);
  return bundled;
};

/**
 * Runs a bench task in a fresh Node process (the bundled task runner), and answers the JSON result
 * it prints last. Its stderr passes through, so a failing task explains itself.
 */
export const runTaskInChildProcess: RunTask = async (name, args) => {
  const entry = await taskBundle();
  return new Promise<never>((resolve, reject) => {
    const child = spawn(process.execPath, [...TASK_NODE_OPTIONS, entry, name, JSON.stringify(args)], {
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
        resolve(JSON.parse(last) as never);
      } catch (error) {
        reject(new Error(`bench task ${name} printed no JSON result`, { cause: error }));
      }
    });
  });
};
