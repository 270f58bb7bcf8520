/**
 * A setup file of the `wiring` and `long` projects (vitest.config.ts), run before each of their files:
 * their workers are shared between files (`isolate: false`), so the product's modules are dropped here
 * and evaluated anew when the file imports them — each file's local stack starts as a cold Lambda
 * instance does, with its own config, logger and clients. The packages stay loaded (they hold none
 * of our state), which is what makes a shared worker cheaper than a fresh process per file.
 */
import { vi } from 'vitest';

vi.resetModules();
