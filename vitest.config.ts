import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    environment: 'node',
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
