import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { SERVICES_WORKER_VARIABLE } from '#local/bench/bench-stack.ts';
import type { RunTask } from '#local/bench/bench-tasks.ts';

const TASK_ENTRY = fileURLToPath(new URL('./bench-task-process.ts', import.meta.url));
const SERVICES_WORKER_ENTRY = fileURLToPath(new URL('../stack/services-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Under the repository, so the bundle's external packages resolve from its `node_modules`. */
const BUNDLE_DIR = path.join(ROOT, '.build', 'bench');
const TASK_BUNDLE = path.join(BUNDLE_DIR, 'bench-task-process.mjs');
/** The bench stack's dynalite and SQS server run in a worker thread from this (bench-stack.ts). */
const SERVICES_WORKER_BUNDLE = path.join(BUNDLE_DIR, 'services-worker.mjs');

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

export interface BenchBundles {
  /** The task runner with the local stack (`bench-task-process.ts`). */
  readonly task: string;
  /** The stack's services thread (`services-worker.ts`). */
  readonly servicesWorker: string;
}

let bundled: Promise<BenchBundles> | undefined;

/**
 * The task runner and the local stack compiled to one ES module, and the services worker to
 * another (packages stay in `node_modules`), once per bench run (a source map beside each, for
 * `NODE_OPTIONS=--enable-source-maps`): a task process runs plain `node`, as a deployed function
 * does, not under tsx, whose loader (a thread and a heap of its own, transforming every module) is no
 * part of the stack.
 */
/**
 * esbuild's `packages: 'external'`, except this repository's workspace packages (`@replica-flow/*`):
 * they are TypeScript sources, which plain `node` cannot load, so they are bundled like our own code.
 */
const externalPackagesButWorkspaces: Plugin = {
  name: 'external-packages-but-workspaces',
  setup(build) {
    build.onResolve({ filter: /^[^./#]/ }, (args) =>
      args.path.startsWith('@replica-flow/') || args.path.startsWith('node:')
        ? undefined
        : { external: true },
    );
  },
};

export const benchBundles = (): Promise<BenchBundles> => {
  bundled ??= build({
    entryPoints: [TASK_ENTRY, SERVICES_WORKER_ENTRY],
    outdir: BUNDLE_DIR,
    entryNames: '[name]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    // Lazy `import()`s stay lazy, as in the deployed bundles (scripts/bundle.ts): without it esbuild
    // hoists a lazily imported module's packages to the top of the one file, and the bench process
    // loaded the X-Ray SDK (whose async hooks cost the burst's thread ~9 % of its CPU) that no local
    // stack loads.
    splitting: true,
    target: 'node20',
    keepNames: true,
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [keepModuleUrls, externalPackagesButWorkspaces],
  }).then(() => ({ task: TASK_BUNDLE, servicesWorker: SERVICES_WORKER_BUNDLE }));
  return bundled;
};

/**
 * Runs a bench task in a fresh Node process (the bundled task runner), and answers the JSON result
 * it prints last. Its stderr passes through, so a failing task explains itself.
 */
export const runTaskInChildProcess: RunTask = async (name, args) => {
  const { task: entry, servicesWorker } = await benchBundles();
  return new Promise<never>((resolve, reject) => {
    const child = spawn(process.execPath, [...TASK_NODE_OPTIONS, entry, name, JSON.stringify(args)], {
      env: {
        ...process.env,
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'SILENT',
        NODE_NO_WARNINGS: '1',
        [SERVICES_WORKER_VARIABLE]: servicesWorker,
      },
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
