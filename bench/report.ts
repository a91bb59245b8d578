import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import type { Measurement } from './load.ts';

export interface ResultRow extends Measurement {
  id: string;
  scenario: string;
  /** Requests a second as a share of the bare Node baseline's. */
  ofBare: number | null;
}

/** What the benchmark ran on, printed above the table and saved with it. */
export function describeMachine() {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

const COLUMNS = [
  'scenario',
  'requests/s',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  '× bare Node',
  'samples',
  'failures',
] as const;

/** The results as one plain-text table. */
export function formatTable(rows: readonly ResultRow[]): string {
  const cells = rows.map((row) => [
    row.scenario,
    row.perSecond.toFixed(0),
    row.p50.toFixed(2),
    row.p95.toFixed(2),
    row.p99.toFixed(2),
    row.ofBare === null ? '–' : row.ofBare.toFixed(3),
    String(row.samples),
    String(row.failures),
  ]);
  const widths = COLUMNS.map((title, i) =>
    Math.max(title.length, ...cells.map((line) => line[i]?.length ?? 0)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, i) =>
        i === 0 ? value.padEnd(widths[i] ?? 0) : value.padStart(widths[i] ?? 0),
      )
      .join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(COLUMNS), rule, ...cells.map(line)].join('\n');
}

/**
 * The commit the bench ran from, and whether tracked files differed from
 * it; a null commit outside a git checkout.
 */
export function describeCode(): { commit: string | null; changed: boolean } {
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: new URL('..', import.meta.url),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    return {
      commit: git('rev-parse', 'HEAD'),
      changed: git('status', '--porcelain', '--untracked-files=no') !== '',
    };
  } catch {
    return { commit: null, changed: false };
  }
}

/** Saves the run as JSON under bench/results/, named by time and scale. */
export async function saveResults(
  name: string,
  results: unknown,
): Promise<string> {
  const folder = new URL('results/', import.meta.url);
  await mkdir(folder, { recursive: true });
  const file = new URL(`${name}.json`, folder);
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  return file.pathname;
}
