// The query plans of one search, as the database reports them, for the
// bench's report: what limits a slow search.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Actor } from '../src/access/actor.ts';
import type { Database } from '../src/database.ts';
import { searchQueries, walksFor } from '../src/features/search/query.ts';
import { parseQuery } from '../src/features/search/terms.ts';
import { dialectOf } from '../src/platform/db/dialect.ts';

/** The plan lines of a common word's queries behind `text`. */
export async function explainSearch(
  db: Kysely<Database>,
  actor: Actor,
  text: string,
): Promise<string[]> {
  const page = { page: 1, pageSize: 20, offset: 0 };
  const now = new Date().toISOString();
  const parts = parseQuery(text);
  const { titleWalk, walk } = await walksFor(db, parts, page);
  const queries = searchQueries(db, actor, { text }, parts, page, now, {
    titleWalk,
    walk,
    cap: 1000,
  });
  const postgres = dialectOf(db) === 'postgres';
  const explain = postgres
    ? sql.raw('explain (analyze, costs off, buffers off) ')
    : sql.raw('explain query plan ');
  const lines: string[] = [];
  const shown = {
    ...(titleWalk === 'sort'
      ? { titles: queries.titles }
      : {
          'exact titles': queries.exactTitles,
          'titles page': queries.titlePage(page.pageSize, page.offset),
          'titles count': queries.titleCount(1001),
        }),
    page: queries.page,
    count: queries.count(1001),
  };
  for (const [name, query] of Object.entries(shown)) {
    const result = await sql<
      Record<string, unknown>
    >`${explain}${query}`.execute(db);
    lines.push(`-- ${name}`);
    for (const row of result.rows) {
      lines.push(
        postgres
          ? String(row['QUERY PLAN'])
          : `${' '.repeat(Number(row.parent) > 0 ? 2 : 0)}${String(row.detail)}`,
      );
    }
  }
  return lines;
}
