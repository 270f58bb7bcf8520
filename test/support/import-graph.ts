import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The module graph of the repository's own sources, as written: every `import`, `import type`,
 * `export … from` and `import('…')` (a type-only edge is an edge too: it ties the two files together
 * just the same). Specifiers are resolved the way Node, tsc, esbuild and Vitest resolve them here:
 * relative paths, the subpath imports (`#shared/*`, `#emulator/*`, …) of the importing file's nearest
 * package.json, and the `exports` of the workspace packages (`@replica-flow/<name>/…`). Bare
 * specifiers of other packages (`zod`, `node:fs`) are outside the graph.
 */
export interface ImportGraph {
  /** Repository-relative file → the repository-relative files it imports. */
  readonly edges: ReadonlyMap<string, readonly string[]>;
  /** `file: specifier` for every import of our own code that resolves to no file. */
  readonly unresolved: readonly string[];
}

interface PackageJson {
  readonly name?: string;
  readonly imports?: Record<string, string>;
  readonly exports?: Record<string, string>;
}

const SOURCE = /\.(ts|mts|js|mjs)$/;

const listSources = (root: string, dir: string): string[] =>
  readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listSources(root, relative);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [relative] : [];
  });

/** A `"./*"`-style pattern map (package.json `imports` or `exports`) applied to one key. */
const mapPattern = (map: Record<string, string>, key: string): string | undefined => {
  if (map[key] !== undefined) return map[key];
  for (const [pattern, target] of Object.entries(map)) {
    const star = pattern.indexOf('*');
    if (star < 0) continue;
    const [head, tail] = [pattern.slice(0, star), pattern.slice(star + 1)];
    if (key.startsWith(head) && key.endsWith(tail) && key.length >= head.length + tail.length) {
      return target.replace('*', key.slice(head.length, key.length - tail.length));
    }
  }
  return undefined;
};

export const readImportGraph = (root: string, dirs: readonly string[]): ImportGraph => {
  const readJson = (file: string): PackageJson => JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  const packageDirs = existsSync(path.join(root, 'packages'))
    ? readdirSync(path.join(root, 'packages')).map((name) => path.posix.join('packages', name))
    : [];
  const workspaces = new Map(
    packageDirs
      .filter((dir) => existsSync(path.join(root, dir, 'package.json')))
      .map((dir) => [readJson(path.join(root, dir, 'package.json')).name ?? dir, dir] as const),
  );

  /** The directory of the package.json that scopes `file` (its nearest one, up to the root). */
  const scopeOf = (file: string): string => {
    for (let dir = path.posix.dirname(file); ; dir = path.posix.dirname(dir)) {
      if (existsSync(path.join(root, dir, 'package.json'))) return dir;
      if (dir === '.' || dir === '') return '.';
    }
  };

  const resolve = (from: string, specifier: string): string | undefined | null => {
    let target: string | undefined;
    if (specifier.startsWith('.')) {
      target = path.posix.join(path.posix.dirname(from), specifier);
    } else if (specifier.startsWith('#')) {
      const scope = scopeOf(from);
      const mapped = mapPattern(readJson(path.join(root, scope, 'package.json')).imports ?? {}, specifier);
      target = mapped === undefined ? undefined : path.posix.join(scope, mapped);
    } else {
      const name = [...workspaces.keys()].find((n) => specifier === n || specifier.startsWith(`${n}/`));
      if (name === undefined) return null; // another package: outside the graph
      const dir = workspaces.get(name) ?? '';
      const subpath = `.${specifier.slice(name.length)}`;
      const mapped = mapPattern(readJson(path.join(root, dir, 'package.json')).exports ?? {}, subpath);
      target = mapped === undefined ? undefined : path.posix.join(dir, mapped);
    }
    return target !== undefined &&
      existsSync(path.join(root, target)) &&
      statSync(path.join(root, target)).isFile()
      ? target
      : undefined;
  };

  const edges = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const file of dirs.flatMap((dir) => listSources(root, dir))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(root, file), 'utf8'), true, true);
    const targets = new Set<string>();
    for (const { fileName } of importedFiles) {
      const target = resolve(file, fileName);
      if (target === undefined) unresolved.push(`${file}: ${fileName}`);
      else if (target !== null && SOURCE.test(target)) targets.add(target);
    }
    edges.set(file, [...targets].sort());
  }
  return { edges, unresolved };
};

/**
 * Every cycle a depth-first walk meets, each as the path `a → … → a` (one per back edge, so a
 * knot of cycles shows as several). Empty for a graph that is a DAG.
 */
export const findCycles = (edges: ReadonlyMap<string, readonly string[]>): string[][] => {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) if (state.get(node) === undefined) visit(node);
  return cycles;
};
