import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod's lighter build (`zod/mini`), with the English messages the full build sets up by itself.
 * Schemas on a function's import path are written with it: the full `zod` build gives every schema
 * its own copy of some 50 methods and loads ~3× the code (docs/performance.md, cold start). Schema
 * modules import it as `import * as z from '#shared/util/zod-mini.ts'`, so the messages are set
 * before any parse.
 */
config(en());

export * from 'zod/mini';
