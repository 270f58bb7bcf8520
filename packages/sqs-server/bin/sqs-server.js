#!/usr/bin/env node

// `npx sqs-server --port 9324 --data-dir .data/sqs`: runs the TypeScript entry point through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
