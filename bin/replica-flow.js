#!/usr/bin/env node
// `npx replica-flow …`: runs the TypeScript CLI through tsx (no build step for local use).
import { register } from 'tsx/esm/api';

register();
await import('../local/cli/main.ts');
