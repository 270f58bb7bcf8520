import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Measurement } from '#local/bench/measurement.ts';

export interface BenchRun {
  readonly startedAt: string;
  readonly seconds: number;
  readonly node: string;
  readonly measurements: readonly Measurement[];
}

/** The line `npm run bench` prints per metric. */
export const jsonLine = (measurement: Measurement): string => JSON.stringify(measurement);

const cell = (value: number | null): string => {
  if (value === null || Number.isNaN(value)) return '—';
  if (Math.abs(value) >= 100) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
};

const VERDICT_MARK = { met: '✅', 'within-noise': '≈', missed: '❌' } as const;

/** The Markdown table for the README's performance section (≈: the target is inside the ratio's spread). */
export const markdownTable = (measurements: readonly Measurement[]): string =>
  [
    '| metric | value | unit | baseline | ratio | spread | target | pass |',
    '| --- | ---: | --- | ---: | ---: | :---: | --- | :---: |',
    ...measurements.map(
      (m) =>
        `| ${m.metric} | ${cell(m.value)} | ${m.unit} | ${cell(m.baseline)} | ${cell(m.ratio)} | ${m.spread ? `${cell(m.spread[0])}–${cell(m.spread[1])}` : '—'} | ${m.target} | ${VERDICT_MARK[m.verdict]} |`,
    ),
  ].join('\n');

/** Writes `<stamp>.jsonl` and `<stamp>.md`, and the same as `latest.*`, under `dir`. */
export const writeBenchRun = async (dir: string, run: BenchRun): Promise<string[]> => {
  await mkdir(dir, { recursive: true });
  const stamp = run.startedAt.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z');
  const jsonl = `${run.measurements.map(jsonLine).join('\n')}\n`;
  const markdown = `# replica-flow bench, ${run.startedAt}\n\nNode ${run.node}, ${run.seconds.toFixed(0)} s.\n\n${markdownTable(run.measurements)}\n`;
  const files: string[] = [];
  for (const name of [stamp, 'latest']) {
    files.push(path.join(dir, `${name}.jsonl`), path.join(dir, `${name}.md`));
    await writeFile(path.join(dir, `${name}.jsonl`), jsonl);
    await writeFile(path.join(dir, `${name}.md`), markdown);
  }
  return files;
};
