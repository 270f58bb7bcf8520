import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isTerminal, REQUEST_STATES, type RequestState } from '#shared/domain/request-state.ts';
import { TRANSITIONS, type TransitionRow } from '#shared/domain/request-transitions.ts';

/**
 * The README's state diagram and transition table, generated from request-transitions.ts.
 * `npx tsx scripts/state-diagram.ts` prints the block; `--write` puts it into README.md between the
 * markers. test/unit/request-transitions.test.ts fails when the README's block differs.
 */
export const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
export const START_MARKER =
  '<!-- state-diagram:start (generated: npx tsx scripts/state-diagram.ts --write) -->';
export const END_MARKER = '<!-- state-diagram:end -->';

const node = (state: RequestState | null): string => state ?? '[*]';

/** One edge per (from, to); its label names every actor that may make it. */
const edges = (rows: readonly TransitionRow[]): string[] => {
  const byPair = new Map<string, TransitionRow[]>();
  for (const row of rows) {
    const key = `${node(row.from)} --> ${row.to}`;
    byPair.set(key, [...(byPair.get(key) ?? []), row]);
  }
  return [...byPair].map(([pair, sharing]) => {
    const actors = [...new Set(sharing.map((row) => row.actor))].join(', ');
    const reserved = sharing.every((row) => row.reserved) ? sharing[0]?.reserved : undefined;
    return `    ${pair} : ${actors}${reserved ? ` (${reserved === 'unused' ? 'unused' : 'planned'})` : ''}`;
  });
};

/** States that only reserved rows reach: drawn dashed until their feature exists. */
const plannedStates = (): RequestState[] =>
  REQUEST_STATES.filter((state) => {
    const into = TRANSITIONS.filter((row) => row.to === state);
    return into.length > 0 && into.every((row) => row.reserved);
  });

const RESERVED: Readonly<Record<NonNullable<TransitionRow['reserved']>, string>> = {
  unused: 'allowed; nothing issues it',
};

const escapeCell = (text: string): string => text.replaceAll('|', '\\|');

/** A markdown table padded as the formatter (`biome check`) writes it, so the README stays formatted. */
const paddedTable = (header: readonly string[], rows: readonly (readonly string[])[]): string[] => {
  const widths = header.map((title, column) =>
    Math.max(3, title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
};

export const renderStateDiagram = (): string => {
  const mermaid = [
    '```mermaid',
    'stateDiagram-v2',
    ...edges(TRANSITIONS),
    ...REQUEST_STATES.filter(isTerminal).map((state) => `    ${state} --> [*]`),
    ...(plannedStates().length > 0
      ? ['    classDef planned stroke-dasharray: 5 5', `    class ${plannedStates().join(',')} planned`]
      : []),
    '```',
  ];
  const rows = TRANSITIONS.map((row) => [
    row.from ?? '(new)',
    row.to,
    row.actor,
    `${escapeCell(row.trigger)}${row.reserved ? ` _(${RESERVED[row.reserved]})_` : ''}`,
  ]);
  const table = paddedTable(['from', 'to', 'actor', 'when'], rows);
  return [START_MARKER, ...mermaid, '', ...table, END_MARKER].join('\n');
};

/** The README's current block, markers included, or undefined when the markers are missing. */
export const readmeBlock = (readme: string): string | undefined => {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start, end + END_MARKER.length);
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const block = renderStateDiagram();
  if (process.argv.includes('--write')) {
    const readme = await readFile(README, 'utf8');
    const current = readmeBlock(readme);
    if (current === undefined) throw new Error(`README.md has no ${START_MARKER} … ${END_MARKER} block`);
    await writeFile(
      README,
      readme.replace(current, () => block),
    );
  } else {
    process.stdout.write(`${block}\n`);
  }
}
