import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCycles, readImportGraph } from '#test/support/import-graph.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCES = ['shared', 'functions', 'local', 'packages', 'scripts', 'bin'];

describe('the import graph', () => {
  const graph = readImportGraph(ROOT, SOURCES);

  it('finds no import cycle in the sources, type-only and dynamic imports included', () => {
    expect(findCycles(graph.edges).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('resolves every import of our own code to a file, so no edge is silently missing', () => {
    expect(graph.unresolved).toEqual([]);
    // The graph sees the aliases of the product and of both workspace packages.
    const targets = new Set([...graph.edges.values()].flat());
    expect(targets).toContain('shared/errors.ts');
    expect(targets).toContain('packages/tencent-emulator/src/server.ts');
    expect(targets).toContain('packages/sqs-server/src/sqs-server.ts');
  });

  it('keeps the product apart from the tooling: shared/ and functions/ import nothing of local/, packages/ or scripts/', () => {
    const crossings = [...graph.edges].flatMap(([file, targets]) =>
      /^(shared|functions)\//.test(file)
        ? targets
            .filter((target) => !/^(shared|functions)\//.test(target))
            .map((target) => `${file} → ${target}`)
        : [],
    );
    expect(crossings).toEqual([]);
  });

  it('keeps each workspace package to itself: no import reaches outside its folder', () => {
    const crossings = [...graph.edges].flatMap(([file, targets]) => {
      const home = /^packages\/[^/]+\//.exec(file)?.[0];
      return home === undefined
        ? []
        : targets.filter((target) => !target.startsWith(home)).map((target) => `${file} → ${target}`);
    });
    expect(crossings).toEqual([]);
  });

  it('reports a cycle through a type-only import, and each cycle of a knot', () => {
    const knot = new Map([
      ['routes.ts', ['alert-routes.ts', 'lazy-route.ts']],
      ['alert-routes.ts', ['lazy-route.ts', 'routes.ts']],
      ['lazy-route.ts', ['routes.ts']],
      ['leaf.ts', []],
    ]);

    expect(findCycles(knot).map((cycle) => cycle.join(' → '))).toEqual([
      'alert-routes.ts → lazy-route.ts → routes.ts → alert-routes.ts',
      'lazy-route.ts → routes.ts → lazy-route.ts',
    ]);
    expect(
      findCycles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', []],
        ]),
      ),
    ).toEqual([]);
  });
});
