/**
 * `npx tsx scripts/map-stack.ts < trace.txt`: maps a deployed function's stack trace back to the
 * TypeScript sources.
 *
 * The zips ship the minified bundles without their source maps (smaller zips, no source-map parsing at
 * cold start), so a trace in CloudWatch names positions such as `/var/task/.build/create/index.mjs:1:48213`
 * (our classes keep their names: `ConcurrentUpdateError` still reads as itself). The maps stay in
 * `.build/<function>/`: bundle the deployed commit (`git checkout <commit> && npm ci && npm run bundle`;
 * the bundles are reproducible) and pipe the trace through this script, which rewrites every bundle
 * position it knows to `source.ts:line:column` and leaves the rest of the text as it is.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FRAME = /(?:file:\/\/)?(?:[^\s()]*\/)?\.build\/([\w-]+)\/([\w./-]+?\.mjs):(\d+):(\d+)/g;

/** Rewrites each bundle position of `trace` to its source position, with the maps of `buildDir`. */
export const mapStack = (trace: string, buildDir = path.join(ROOT, '.build')): string => {
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (file: string) => {
    if (!maps.has(file)) {
      const mapFile = path.join(buildDir, `${file}.map`);
      maps.set(
        file,
        existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : undefined,
      );
    }
    return maps.get(file);
  };
  return trace.replace(FRAME, (frame, fn: string, file: string, line: string, column: string) => {
    const map = mapOf(path.join(fn, file));
    const entry = map?.findEntry(Number(line) - 1, Number(column) - 1) as
      | { originalSource?: string; originalLine?: number; originalColumn?: number }
      | undefined;
    if (!entry?.originalSource || entry.originalLine === undefined || entry.originalColumn === undefined) {
      return frame;
    }
    const source = path.relative(ROOT, path.resolve(buildDir, fn, path.dirname(file), entry.originalSource));
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  process.stdout.write(mapStack(Buffer.concat(chunks).toString('utf8')));
}
