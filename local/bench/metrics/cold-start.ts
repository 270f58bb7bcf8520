import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import {
  type Measurement,
  measurement,
  median,
  medianInterval,
  ratioAtMost,
  reportOnly,
} from '#local/bench/measurement.ts';
import { bundleAll, FUNCTIONS, type FunctionName, ROOT } from '../../../scripts/bundle.ts';

const PROBE = fileURLToPath(new URL('../cold-start-probe.mjs', import.meta.url));
const FULL_SDK = createRequire(import.meta.url).resolve('tencentcloud-sdk-nodejs');
const API_KEY = 'bench-probe-key-0123456789abcdef';

/**
 * What a probe's function needs to build its dependencies without any server: AWS endpoints on a
 * closed port (the first store call is refused at once, AWS_MAX_ATTEMPTS=1), secrets from the
 * environment (no SSM), the shipped policy, logs off.
 */
const PROBE_ENVIRONMENT = {
  AWS_REGION: 'ap-southeast-1',
  AWS_ACCESS_KEY_ID: 'probe',
  AWS_SECRET_ACCESS_KEY: 'probe',
  AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
  AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9',
  AWS_MAX_ATTEMPTS: '1',
  AWS_LAMBDA_FUNCTION_NAME: 'probe',
  TABLE_NAME: 'replica-flow',
  REQUESTS_QUEUE_URL: 'http://127.0.0.1:9/000000000000/replica-flow-requests',
  CREATE_QUEUE_URL: 'http://127.0.0.1:9/000000000000/replica-flow-create',
  NOTIFY_QUEUE_URL: 'http://127.0.0.1:9/000000000000/replica-flow-notify',
  TENCENTCLOUD_SECRET_ID: 'AKIDprobe',
  TENCENTCLOUD_SECRET_KEY: 'probe',
  WEBHOOK_SIGNING_SECRET: 'whsec_cHJvYmVwcm9iZXByb2JlcHJvYmVwcm9iZQ==',
  REPLICA_FLOW_API_KEYS: `probe:${API_KEY}`,
  PROBE_API_KEY: API_KEY,
  POLICY_FILE: path.join(ROOT, 'policy', 'default.yaml'),
  LOG_LEVEL: 'SILENT',
};

interface ProbeTimes {
  readonly importMs: number;
  readonly readyMs: number | null;
}

/** One cold start in a fresh `node` (no loader, nothing preloaded). */
const probe = (module: string, functionName?: FunctionName): Promise<ProbeTimes> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PROBE, module, ...(functionName ? [functionName] : [])], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...PROBE_ENVIRONMENT },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`cold-start probe of ${module} exited with ${code}`));
      else resolve(JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as ProbeTimes);
    });
  });

/** The same entry point bundled with esbuild's defaults (plus the `require` shim without which it cannot run). */
const bundleNaively = async (name: FunctionName, outdir: string): Promise<string> => {
  const outfile = path.join(outdir, name, 'index.mjs');
  await build({
    absWorkingDir: ROOT,
    entryPoints: [path.join(ROOT, 'functions', `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module';const require = __createRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  return outfile;
};

export interface ColdStartSample {
  readonly name: FunctionName;
  /** The shipped bundle's JavaScript: entry and chunks. */
  readonly bytes: number;
  /** What importing the shipped handler loads (the entry and its static chunks). */
  readonly importedBytes: number;
  readonly naiveBytes: number;
  readonly importMs: readonly number[];
  readonly readyMs: readonly number[];
  readonly naiveImportMs: readonly number[];
  readonly naiveReadyMs: readonly number[];
}

export interface ColdStartResult {
  readonly runs: number;
  readonly functions: readonly ColdStartSample[];
  readonly fullSdkImportMs: readonly number[];
}

/**
 * Bundles the functions as shipped (scripts/bundle.ts) and naively, then imports each `runs` times in
 * fresh processes, interleaved (shipped, naive, …, full SDK) so a noisy moment hits all alike.
 */
export const runColdStart = async (args: {
  /** Rounds at least. */
  readonly runs: number;
  /** Rounds at most: past `runs`, rounds go on until every import ratio's spread is known (SPREAD_KNOWN). */
  readonly maxRuns?: number;
  readonly functions?: readonly FunctionName[];
}): Promise<ColdStartResult> => {
  const names = args.functions ?? FUNCTIONS;
  // Bundled away from .build/, which packaging (and its tests) read meanwhile.
  const workDir = await mkdtemp(path.join(tmpdir(), 'replica-flow-cold-start-'));
  const shippedDir = path.join(workDir, 'shipped');
  const naiveDir = path.join(workDir, 'naive');
  try {
    const reports = new Map((await bundleAll(names, shippedDir)).map((report) => [report.name, report]));
    const naive = new Map<FunctionName, string>();
    for (const name of names) naive.set(name, await bundleNaively(name, naiveDir));
    const samples = new Map<
      FunctionName,
      { import: number[]; ready: number[]; nImport: number[]; nReady: number[] }
    >(names.map((name) => [name, { import: [], ready: [], nImport: [], nReady: [] }]));
    const fullSdkImportMs: number[] = [];
    const spreadUnknown = () =>
      names.some((name) => {
        const sample = samples.get(name);
        const [low, high] = medianInterval(pairedRatios(sample?.import ?? [], fullSdkImportMs));
        return !(high - low <= SPREAD_KNOWN);
      });
    for (let run = 0; run < args.runs || (run < (args.maxRuns ?? args.runs) && spreadUnknown()); run++) {
      for (const name of names) {
        const sample = samples.get(name);
        const shipped = await probe(path.join(shippedDir, name, 'index.mjs'), name);
        const plain = await probe(naive.get(name) ?? '', name);
        sample?.import.push(shipped.importMs);
        sample?.ready.push(shipped.readyMs ?? Number.NaN);
        sample?.nImport.push(plain.importMs);
        sample?.nReady.push(plain.readyMs ?? Number.NaN);
      }
      fullSdkImportMs.push((await probe(FULL_SDK)).importMs);
    }
    const functions: ColdStartSample[] = [];
    for (const name of names) {
      const sample = samples.get(name);
      functions.push({
        name,
        bytes: reports.get(name)?.bytes ?? Number.NaN,
        importedBytes: reports.get(name)?.importedBytes ?? Number.NaN,
        naiveBytes: (await stat(naive.get(name) ?? '')).size,
        importMs: sample?.import ?? [],
        readyMs: sample?.ready ?? [],
        naiveImportMs: sample?.nImport ?? [],
        naiveReadyMs: sample?.nReady ?? [],
      });
    }
    return { runs: fullSdkImportMs.length, functions, fullSdkImportMs };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
};

const KIB = 1024;

/**
 * The width of the 95 % interval of an import ratio's median (vs the full SDK) at which its spread
 * counts as known: a tenth of the 0.2 target.
 */
const SPREAD_KNOWN = 0.02;

/** Per round, value ÷ baseline measured in that round (a noisy moment slows both alike). */
export const pairedRatios = (values: readonly number[], baselines: readonly number[]): number[] =>
  values.flatMap((value, index) => {
    const baseline = baselines[index];
    return baseline ? [value / baseline] : [];
  });

/**
 * Import time is held to the targets as written (≤ 0.6 × the naive bundle, ≤ 0.2 × the full
 * SDK), which these bundles do not all meet yet; the cold start a caller waits for — import,
 * dependencies built, first store call — is held too ("ready", ≤ 0.9 × the naive bundle's), because
 * import time alone can be cut by moving SDK loading into the first invocation, which makes the real
 * cold start slower (docs/performance.md).
 */
export const coldStartMeasurements = (result: ColdStartResult): Measurement[] => {
  const fullSdk = median(result.fullSdkImportMs);
  return result.functions.flatMap((sample) => {
    const importMs = median(sample.importMs);
    return [
      measurement({
        metric: `cold-start.${sample.name}.ready-ms`,
        value: median(sample.readyMs),
        unit: 'ms (median)',
        baseline: median(sample.naiveReadyMs),
        spread: medianInterval(pairedRatios(sample.readyMs, sample.naiveReadyMs)),
        target: ratioAtMost(0.9),
      }),
      measurement({
        metric: `cold-start.${sample.name}.import-ms-vs-naive-bundle`,
        value: importMs,
        unit: 'ms (median)',
        baseline: median(sample.naiveImportMs),
        spread: medianInterval(pairedRatios(sample.importMs, sample.naiveImportMs)),
        target: ratioAtMost(0.6),
      }),
      measurement({
        metric: `cold-start.${sample.name}.import-ms-vs-full-sdk`,
        value: importMs,
        unit: 'ms (median)',
        baseline: fullSdk,
        spread: medianInterval(pairedRatios(sample.importMs, result.fullSdkImportMs)),
        target: ratioAtMost(0.2),
      }),
      measurement({
        metric: `cold-start.${sample.name}.bundle-kib`,
        value: sample.bytes / KIB,
        unit: 'KiB',
        baseline: sample.naiveBytes / KIB,
        target: reportOnly,
      }),
      measurement({
        metric: `cold-start.${sample.name}.loaded-kib`,
        value: sample.importedBytes / KIB,
        unit: 'KiB',
        baseline: sample.naiveBytes / KIB,
        target: reportOnly,
      }),
    ];
  });
};
