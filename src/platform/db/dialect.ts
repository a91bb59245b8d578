import { PostgresAdapter, sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { DialectName } from './database.ts';

/** Anything Kysely that can run queries: a connection or a transaction. */
interface Executes {
  getExecutor(): { readonly adapter: unknown };
}

/** Which database a connection or transaction talks to. */
export function dialectOf(db: Executes): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? 'postgres'
    : 'sqlite';
}

/**
 * The end of a correlated subquery that PostgreSQL must run once per outer
 * row, by index. Without it PostgreSQL may turn EXISTS into a hash of
 * every row the subquery could match, built however few outer rows there
 * are: a whole table read for a page of twenty. OFFSET 0 keeps the
 * subquery as written. SQLite runs such subqueries per row anyway and
 * takes no OFFSET without LIMIT, so it gets nothing.
 */
export function perRow(db: Executes): RawBuilder<unknown> {
  return sql.raw(dialectOf(db) === 'postgres' ? 'offset 0' : '');
}
