#!/usr/bin/env node

// `.env` in the current folder, if any, under the variables already set (never over them).
import { existsSync } from 'node:fs';
// `npx replica-flow …`: runs the TypeScript CLI through tsx (no build step for local use).
import { register } from 'tsx/esm/api';

if (existsSync('.env')) {
  if (typeof process.loadEnvFile !== 'function') {
    process.stderr.write('replica-flow: reading .env needs Node.js 20.12 or later\n');
    process.exit(2);
  }
  process.loadEnvFile('.env');
}

// The CLI prints its own lines; the workflow's JSON logs show from WARN up unless LOG_LEVEL says otherwise.
process.env.LOG_LEVEL ??= 'WARN';
register();
await import('../local/cli/main.ts');
