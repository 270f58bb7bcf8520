#!/usr/bin/env node
// `npx replica-flow …`: runs the TypeScript CLI through tsx (no build step for local use).
import { register } from 'tsx/esm/api';

// The CLI prints its own lines; the workflow's JSON logs show from WARN up unless LOG_LEVEL says otherwise.
process.env.LOG_LEVEL ??= 'WARN';
register();
await import('../local/cli/main.ts');
