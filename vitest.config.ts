import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    // Two projects. Tests of modules, the emulator, the stores and the SQS server share one module
    // cache per worker (`isolate: false`): importing the AWS SDK, middy and zod again for each of ~120
    // files was most of their time (`npm run test:fast` alone, measured in the README). Every one of
    // them restores what it changes (vi.unstubAllEnvs, vi.restoreAllMocks). The tests that start a
    // local stack, a chaos or bench run, or a deployment keep one fresh process per file: the stack's
    // functions hold per-process state (config, logger, clients) on purpose, as Lambda does.
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: ['test/{unit,property,integration}/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'stack',
          include: ['test/{e2e,chaos,bench,deploy}/**/*.test.ts'],
        },
      },
    ],
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
