import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction, ROOT } from '../../scripts/bundle.ts';
import { mapStack } from '../../scripts/map-stack.ts';

const run = promisify(execFile);

let folder: string;
let buildDir: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'replica-flow-map-stack-'));
  // Named .build, as in the Lambda zip (/var/task/.build/poll/index.mjs).
  buildDir = path.join(folder, '.build');
  await bundleFunction('poll', buildDir);
}, 60_000);
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('scripts/map-stack.ts', () => {
  it('maps the stack trace of a deployed bundle, shipped without its source map, to the TypeScript lines', async () => {
    // The poll bundle's cold start with its Tencent secrets but without its queue URLs fails in
    // requireSetting (runtime-config.ts).
    const script = `import(${JSON.stringify(path.join(buildDir, 'poll', 'index.mjs'))})
      .then((m) => m.handler({}, { getRemainingTimeInMillis: () => 1000 }))
      .then(() => console.log('no error'), (error) => console.log(error.stack))`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH,
        LOG_LEVEL: 'SILENT',
        TENCENTCLOUD_SECRET_ID: 'map-stack-test-id',
        TENCENTCLOUD_SECRET_KEY: 'map-stack-test-key',
      },
    });
    expect(stdout).toMatch(/\.build\/poll\/index\.mjs:\d+:\d+/);

    const source = await readFile(path.join(ROOT, 'shared', 'config', 'runtime-config.ts'), 'utf8');
    const throwLine = source.split('\n').findIndex((line) => line.includes('is not set`);')) + 1;
    expect(throwLine).toBeGreaterThan(0);
    const mapped = mapStack(stdout, buildDir);
    expect(mapped).toContain(`at requireSetting (shared/config/runtime-config.ts:${throwLine}:`);
    expect(mapped).not.toMatch(/index\.mjs:\d+:\d+/);
  });

  it('leaves a position it has no map for as it is', () => {
    const trace = '    at handler (file:///var/task/.build/unknown/index.mjs:1:99)';
    expect(mapStack(trace, buildDir)).toBe(trace);
  });
});
