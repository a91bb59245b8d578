import { performance } from 'node:perf_hooks';
import type { Database } from '../../src/database.ts';
import { diffRevisions } from '../../src/features/wiki/diff.ts';
import { importMediaWikiFile } from '../../src/features/wiki/mediawiki/import.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { sharedDataPath } from '../../src/test-support/shared-data.ts';
import { createBenchDatabase } from '../database.ts';
import type { DatabaseKind } from '../options.ts';
import { measureRendering } from '../render.ts';
import type { RenderTiming } from '../render.ts';

/** What issue 5 asks the bench to report about the wiki, in process. */
export interface WikiTimings {
  /** Revisions stored per second importing the largest real export. */
  importRate: number;
  importedRevisions: number;
  timings: RenderTiming[];
}

const DIFF_LINES = 2_000;
const DIFF_RUNS = 50;

/**
 * Imports the Latgalian Wikipedia sample (2,004 revisions) into a fresh
 * database of the kind benchmarked, then times rendering and a diff of
 * two 2,000-line revisions with one line in ten changed.
 */
export async function measureWiki(kind: DatabaseKind): Promise<WikiTimings> {
  const database = await createBenchDatabase(kind);
  const handle = openDatabase<Database>(database.url);
  let importRate: number;
  let importedRevisions: number;
  try {
    await migrateToLatest(handle.db);
    const report = await importMediaWikiFile(
      handle.db,
      sharedDataPath('mediawiki', 'smallwiki-latest-pages-articles.xml'),
    );
    importRate = report.revisionsPerSecond;
    importedRevisions = report.revisionsAdded;
  } finally {
    await handle.close();
    await database.drop();
  }
  return {
    importRate,
    importedRevisions,
    timings: [...(await measureRendering()), timeDiff()],
  };
}

function timeDiff(): RenderTiming {
  const before: string[] = [];
  const after: string[] = [];
  for (let line = 0; line < DIFF_LINES; line += 1) {
    const text = `Line ${line} of the procedure, with several words in it.`;
    before.push(text);
    after.push(line % 10 === 3 ? `${text} Now amended.` : text);
  }
  const old = before.join('\n');
  const changed = after.join('\n');
  const samples: number[] = [];
  for (let run = 0; run < DIFF_RUNS; run += 1) {
    const started = performance.now();
    diffRevisions(old, changed);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (p: number) =>
    samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)] ??
    0;
  return {
    name: `diff two ${DIFF_LINES.toLocaleString('en-GB')}-line revisions`,
    p50: at(0.5),
    p95: at(0.95),
  };
}
