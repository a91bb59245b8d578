import { PostgresAdapter } from 'kysely';
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
