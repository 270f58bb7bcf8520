import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SOURCES } from '#shared/ingress/sources.ts';
import { ROOT } from '../../scripts/bundle.ts';
import { BUNDLE_RULES, SOURCE_ROUTE_MODULES } from './bundle-rules.ts';

/**
 * The bundle rules of docs/bundling.md that are read off the source, not the bundles: how a module
 * is imported decides which chunk it lands in, so these name the file and line that would break a
 * rule before esbuild runs (test/bench/bundle-contents.test.ts checks the bundles themselves).
 */

interface ModuleImport {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  /** `import()`, as opposed to a static import or re-export. */
  readonly dynamic: boolean;
  /** `import type` / `export type`, or every name of it marked `type`: erased, never bundled. */
  readonly typeOnly: boolean;
  readonly reexport: boolean;
}

const sourceFiles = (folder: string): string[] =>
  readdirSync(path.join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)))
    .sort();

const parse = (file: string): ts.SourceFile =>
  ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);

const importsOf = (file: string): ModuleImport[] => {
  const source = parse(file);
  const found: ModuleImport[] = [];
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (!clause.name &&
            named !== undefined &&
            ts.isNamedImports(named) &&
            named.elements.length > 0 &&
            named.elements.every((element) => element.isTypeOnly)));
      found.push({
        file,
        line: lineOf(node),
        specifier: node.moduleSpecifier.text,
        dynamic: false,
        typeOnly,
        reexport: false,
      });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const clause = node.exportClause;
      const typeOnly =
        node.isTypeOnly ||
        (clause !== undefined &&
          ts.isNamedExports(clause) &&
          clause.elements.length > 0 &&
          clause.elements.every((element) => element.isTypeOnly));
      found.push({
        file,
        line: lineOf(node),
        specifier: node.moduleSpecifier.text,
        dynamic: false,
        typeOnly,
        reexport: true,
      });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({
        file,
        line: lineOf(node),
        specifier: node.arguments[0].text,
        dynamic: true,
        typeOnly: false,
        reexport: false,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
};

const where = (found: ModuleImport) => `${found.file}:${found.line} (${found.specifier})`;

const HANDLER_SOURCES = [...sourceFiles('functions'), ...sourceFiles('shared')];
const IMPORTS = HANDLER_SOURCES.flatMap(importsOf);

/** Modules only ever imported with `import()` (or for types) by handler code: each is a chunk of its own. */
const DEFERRED_MODULES: readonly { readonly specifier: string; readonly anchor: string }[] = [
  {
    specifier: '#shared/adapters/tencent/tencent-postgres-client.ts',
    anchor: 'adapters-behind-their-builders',
  },
  {
    specifier: '#shared/adapters/webhook/standard-webhook-sender.ts',
    anchor: 'adapters-behind-their-builders',
  },
  { specifier: '#shared/domain/policy-loader.ts', anchor: 'adapters-behind-their-builders' },
  { specifier: '#shared/adapters/tracing/powertools-tracing.ts', anchor: 'the-tracer-only-in-lambda' },
  { specifier: '@aws-sdk/client-ssm', anchor: 'the-ssm-client-when-a-parameter-is-read' },
  // Every source's route module, from shared/ingress/source-routes.ts.
  ...SOURCE_ROUTE_MODULES.map((file) => ({
    specifier: `#${file}`,
    anchor: 'ingest-sources-load-at-their-first-request',
  })),
  {
    specifier: '#shared/ingress/alerts/cloudwatch/queued-cloudwatch-alarm.ts',
    anchor: 'ingest-sources-load-at-their-first-request',
  },
];

/** GitHub's anchor of each `## ` heading of docs/bundling.md. */
const DOC_SECTIONS = readFileSync(path.join(ROOT, 'docs/bundling.md'), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('## '))
  .map((line) =>
    line
      .slice(3)
      .trim()
      .toLowerCase()
      .replaceAll(/[^a-z0-9 -]/g, '')
      .replaceAll(' ', '-'),
  );

describe('bundle rules in the source', () => {
  it('points only at sections docs/bundling.md has, from the rules and from every comment', () => {
    const pointers = [...HANDLER_SOURCES, 'scripts/bundle.ts'].flatMap((file) =>
      [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/docs\/bundling\.md#([a-z0-9-]+)/g)].map(
        ([, anchor = '']) => ({ file, anchor }),
      ),
    );
    expect(pointers.length, 'comments pointing at docs/bundling.md').toBeGreaterThan(0);
    const named = [
      ...pointers,
      ...BUNDLE_RULES.map(({ rule, anchor }) => ({ file: `bundle-rules.ts: ${rule}`, anchor })),
      ...DEFERRED_MODULES.map(({ specifier, anchor }) => ({
        file: `DEFERRED_MODULES: ${specifier}`,
        anchor,
      })),
    ];
    expect(named.filter(({ anchor }) => !DOC_SECTIONS.includes(anchor))).toEqual([]);
  });

  it('reads the imports of every handler module (the checks below look at something)', () => {
    expect(HANDLER_SOURCES).toContain('shared/domain/policy.ts');
    expect(IMPORTS.filter((found) => found.dynamic).length).toBeGreaterThanOrEqual(DEFERRED_MODULES.length);
  });

  it.each(DEFERRED_MODULES)(
    'imports $specifier only with import() (docs/bundling.md#$anchor)',
    ({ specifier }) => {
      const uses = IMPORTS.filter((found) => found.specifier === specifier);
      expect(
        uses.some((found) => found.dynamic),
        `${specifier} is imported nowhere with import()`,
      ).toBe(true);
      expect(
        uses.filter((found) => !found.dynamic && !found.typeOnly).map(where),
        `static imports of ${specifier}: each puts it in the chunk loaded with the handler`,
      ).toEqual([]);
    },
  );

  it('finds one route folder per trigger source but the generic API, each with its route module deferred', () => {
    const folders = new Set(SOURCE_ROUTE_MODULES.map((file) => path.posix.dirname(file)));
    const routed = SOURCES.filter((source) => source.id !== 'api');
    expect(folders.size).toBe(routed.length);
    for (const source of routed) {
      expect(
        [...folders].some((folder) => path.posix.basename(folder) === source.id),
        source.id,
      ).toBe(true);
    }
  });

  it('keeps the policy barrel (shared/domain/policy.ts) re-exporting only types from the schema, and never the loader (docs/bundling.md#the-policy-barrel-re-exports-only-types)', () => {
    const barrel = importsOf('shared/domain/policy.ts');
    const fromSchema = barrel.filter((found) => found.specifier === '#shared/domain/policy-schema.ts');
    expect(fromSchema.length, 'policy.ts re-exports the policy types from policy-schema.ts').toBeGreaterThan(
      0,
    );
    expect(
      fromSchema.filter((found) => !found.typeOnly).map(where),
      'value imports or re-exports of policy-schema.ts from the barrel (they build the schema in every handler that reads a policy type)',
    ).toEqual([]);
    expect(
      barrel
        .filter(
          (found) => found.specifier === '#shared/domain/policy-loader.ts' || found.specifier === 'yaml',
        )
        .map(where),
      'the barrel must not reach the loader or the YAML parser',
    ).toEqual([]);
  });

  it('holds one adapter builder per file, each with its one import() (docs/bundling.md#one-adapter-builder-per-file)', () => {
    const builders = sourceFiles('shared/config').filter((file) => file.endsWith('-adapter-builder.ts'));
    expect(builders.length, 'adapter builders under shared/config').toBeGreaterThanOrEqual(3);
    for (const file of builders) {
      const source = parse(file);
      const exported = source.statements.filter(
        (statement) =>
          !ts.isTypeAliasDeclaration(statement) &&
          !ts.isInterfaceDeclaration(statement) &&
          ts.canHaveModifiers(statement) &&
          ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword),
      );
      expect(exported.length, `${file}: exported values (one builder a file)`).toBe(1);
      expect(
        importsOf(file).filter((found) => found.dynamic).length,
        `${file}: import() calls (one adapter a file)`,
      ).toBe(1);
    }
  });

  it('puts at most one import() in each module every function includes (shared/config, shared/runtime) (docs/bundling.md#one-adapter-builder-per-file)', () => {
    for (const file of [...sourceFiles('shared/config'), ...sourceFiles('shared/runtime')]) {
      const dynamic = importsOf(file).filter((found) => found.dynamic);
      expect(
        dynamic.length > 1 ? dynamic.map(where) : [],
        `${file}: each import() is a chunk in every bundle that includes the module`,
      ).toEqual([]);
    }
  });
});
