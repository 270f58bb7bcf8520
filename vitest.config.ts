import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    env: {
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'ERROR',
      http_proxy: '',
      HTTP_PROXY: '',
      https_proxy: '',
      HTTPS_PROXY: '',
    },
  },
});
