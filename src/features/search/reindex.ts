import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, Db } from '../../database.ts';
import { indexThings, SOURCES } from './sources.ts';
import type { SearchKind } from './tables.ts';

// Building the index from the content already there: for
// `civilmedia search reindex`, for a database migrated from a version
// without search (every command checks after migrating, see
// ensureSearchIndex), and for the bench's bulk-loaded content. It writes
// what the write paths write (./sources.ts), a batch at a time, and
// removes rows whose source is gone, so it can run on a live site and be
// run again.

const BATCH = 500;

/** How many rows of each kind were indexed. */
export type ReindexReport = Record<SearchKind, number>;

/**
 * `work` in a transaction of its own, or in the caller's when there is
 * one. Each batch here is one, so that SQLite does not commit every
 * statement and a live site never sees half a batch.
 */
export function inTransaction<T>(
  db: Db,
  work: (trx: Db) => Promise<T>,
): Promise<T> {
  return db.isTransaction
    ? work(db)
    : (db as Kysely<Database>).transaction().execute(work);
}

/** Indexes every row of every kind and drops rows of vanished things. */
export async function reindexEverything(
  db: Db,
  onBatch: (kind: SearchKind, done: number) => void = () => {},
  kinds: readonly SearchKind[] = Object.keys(SOURCES) as SearchKind[],
): Promise<ReindexReport> {
  const report = {} as ReindexReport;
  for (const kind of kinds) {
    const table = SOURCES[kind].table;
    let last = 0;
    let done = 0;
    for (;;) {
      const rows = await db
        .selectFrom(table)
        .select('id')
        .where('id', '>', last)
        .orderBy('id')
        .limit(BATCH)
        .execute();
      if (rows.length === 0) {
        break;
      }
      const ids = rows.map((row) => row.id);
      await inTransaction(db, (trx) => indexThings(trx, kind, ids));
      last = ids[ids.length - 1] ?? last;
      done += ids.length;
      onBatch(kind, done);
    }
    await dropVanished(db, kind, table);
    report[kind] = done;
  }
  return report;
}

/**
 * Removes the index rows of `kind` whose source row is gone. NOT EXISTS,
 * not NOT IN: PostgreSQL answers NOT IN by scanning the whole table once
 * for each index row when the ids do not fit in memory, which at 200,000
 * replies ran for over a quarter of an hour.
 */
async function dropVanished(
  db: Db,
  kind: SearchKind,
  table: string,
): Promise<void> {
  await sql`delete from search_documents
    where kind = ${kind}
      and not exists (select 1 from ${sql.table(table)} as source
        where source.id = search_documents.ref_id)`.execute(db);
}

/**
 * Builds the index when it is empty and there is content: the first
 * start after upgrading to a version with search. True when it did.
 */
export async function ensureSearchIndex(db: Db): Promise<boolean> {
  const indexed = await db
    .selectFrom('search_documents')
    .select('id')
    .limit(1)
    .executeTakeFirst();
  if (indexed) {
    return false;
  }
  const content = await db
    .selectFrom('people')
    .select('id')
    .where('role', '!=', 'guest')
    .limit(1)
    .executeTakeFirst();
  if (!content) {
    return false;
  }
  await reindexEverything(db);
  return true;
}
