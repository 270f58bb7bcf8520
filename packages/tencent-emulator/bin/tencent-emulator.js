#!/usr/bin/env node

// `npx tencent-emulator --port 9100`: runs the TypeScript entry point through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
