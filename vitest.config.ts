import { defineConfig } from 'vitest/config';

/** The `long` project's files (see below). */
const LONG_RUNS = [
  'test/chaos/**/*.test.ts',
  'test/bench/bench-smoke.test.ts',
  'test/e2e/create-faults.test.ts',
  'test/e2e/dead-letters.test.ts',
  'test/e2e/dlq-cli.test.ts',
  'test/e2e/fleet-view.test.ts',
  'test/e2e/secrets-in-logs.test.ts',
  'test/e2e/start-environment.test.ts',
  'test/e2e/alert-storm.test.ts',
  'test/e2e/poll-economy.test.ts',
  'test/e2e/minimum-restore.test.ts',
  'test/e2e/read-only-group-auto.test.ts',
  'test/e2e/create-fallback.test.ts',
  'test/deploy/stage-refusals.test.ts',
];

/**
 * One worker process for many files, with the product's modules evaluated anew for each file
 * (`vi.resetModules()` in `fresh-modules.ts`), so each file's local stack starts cold as a new Lambda
 * instance does (config, logger, clients are per module), while the packages (AWS SDK, the Tencent SDK,
 * dynalite), which hold no state of ours, are loaded once per worker: a fresh process per file spent
 * 38 s of the `wiring` project's 85 s importing them again (now 57 s, 12 s importing).
 */
const FRESH_MODULES_PER_FILE = {
  isolate: false,
  setupFiles: ['test/support/console-capture.ts', 'test/support/fresh-modules.ts'],
};

export default defineConfig({
  test: {
    environment: 'node',
    // Three projects. `npm test` runs the first two; `npm run test:all` and CI (on Node 22) run all three.
    projects: [
      {
        extends: true,
        test: {
          // Modules, the emulator, the stores and the SQS server: one module cache per worker
          // (`isolate: false`), since importing the AWS SDK, middy and zod again for each of ~120 files
          // was most of their time. Every one of them restores what it changes (vi.unstubAllEnvs,
          // vi.restoreAllMocks).
          name: 'fast',
          include: ['test/{unit,property,integration}/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          // The wiring: a local stack (or a packaged deployment) per file, started cold (the stack's
          // functions hold per-module state — config, logger, clients — on purpose, as Lambda does).
          // One file per function's path and per trigger source.
          name: 'wiring',
          include: ['test/{e2e,bench,deploy}/**/*.test.ts'],
          exclude: LONG_RUNS,
          ...FRESH_MODULES_PER_FILE,
        },
      },
      {
        extends: true,
        test: {
          // Runs whose subject is their length or their faults: the chaos run, the bench at toy sizes,
          // fault campaigns through the stack, the CLI and `npm start` as processes, the packaging
          // refusals, the fleet's one-behaviour runs. Their decisions are also tested in milliseconds
          // (the table tests, the fleet's unit tests); these prove the same through the whole stack.
          name: 'long',
          include: LONG_RUNS,
          ...FRESH_MODULES_PER_FILE,
        },
      },
    ],
    // Transformed modules are kept under node_modules/.experimental-vitest-cache, keyed by each file's
    // path and content and the config, so a second run skips the TypeScript transforms (a clean clone's
    // first `npm test` 116–120 s, the next ones 101–105 s; `npx vitest --clearCache` empties it).
    experimental: { fsModuleCache: true },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two test files at a time on this 2-core machine (vitest's default is cores − 1 = one): most of
    // an end-to-end file's time is spent waiting on a local stack's poll cycles and queues, not on CPU.
    maxWorkers: 2,
    // Logs are printed for failing tests only (whatever writes them: see test/support/console-capture.ts).
    silent: 'passed-only',
    setupFiles: ['test/support/console-capture.ts'],
    // `npm run coverage`: line coverage of the product (shared/ and functions/), not of the tooling.
    coverage: {
      provider: 'v8',
      include: ['shared/**/*.ts', 'functions/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      reportOnFailure: true,
    },
    env: {
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'ERROR',
      // No EMF metric lines and no tracer in tests (as in the local stack); tests that look at them say so.
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      // The AWS SDK's notice that its 2027 releases need Node 22, printed by every process on Node 20.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      http_proxy: '',
      HTTP_PROXY: '',
      https_proxy: '',
      HTTPS_PROXY: '',
    },
  },
});
