#!/usr/bin/env node

// `npx tencent-emulator-load --rate 150 --seconds 60`: the emulator's load check, through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/load-test.ts');
