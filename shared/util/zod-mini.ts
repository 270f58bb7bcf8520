import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod's lighter build (`zod/mini`), with the English messages the full build sets up by itself.
 * Schema modules import it as `import * as z from '#shared/util/zod-mini.ts'`, so the messages are
 * set before any parse. Why mini: see docs/bundling.md#zod-mini-only.
 */
config(en());

export * from 'zod/mini';
